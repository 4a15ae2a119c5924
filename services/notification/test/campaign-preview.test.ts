// POST /v1/campaigns/preview over real Postgres and Redis: the count an operator sees before creating
// a campaign is the number of people the campaign then texts (one per mobile, opted-out numbers
// left out), because both come from the store's one segment selection. Also: campaign create and
// cancel name the person the console acts for (x-operator-person) in their audit rows.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { ErrorBody } from '@gateway/contracts';
import { withTransaction } from '@gateway/kit';
import { testLogger } from '@gateway/testkit';
import { createCampaignRunner } from '../src/jobs/campaign.runner.ts';
import type { CampaignProgress, SegmentReach } from '../src/store/pg-campaign-store.ts';
import { setOptOut } from '../src/store/pg-opt-out-store.ts';
import { seedContacts } from './support/contacts-fixture.ts';
import { startOperatorApi } from './support/operator-api.ts';
import type { OperatorApi } from './support/operator-api.ts';

let api: OperatorApi;
const now = new Date('2026-12-01T08:00:00.000Z');
const clock = () => now;
const logger = testLogger('notification-campaign-preview');

const mobile = (n: number) => `+96393${String(n).padStart(7, '0')}`;

async function preview(segment: Record<string, unknown>): Promise<SegmentReach> {
  const res = await api.send<SegmentReach>('POST', '/v1/campaigns/preview', { body: { segment }, idempotencyKey: null });
  expect(res.status).toBe(200);
  return res.body;
}

/** Creates a campaign with the segment, lets the runner queue all of it, and returns whom it texted. */
async function sent(segment: Record<string, unknown>): Promise<{ progress: CampaignProgress; recipients: string[] }> {
  const created = await api.send<CampaignProgress>('POST', '/v1/campaigns', { body: { name: `c ${randomUUID().slice(0, 6)}`, text: { ar: 'ادفع فاتورتك' }, segment } });
  expect(created.status).toBe(201);
  const { campaignId } = created.body;
  // Batches of 2, so the cursor crosses opted-out and duplicate numbers between batches.
  await createCampaignRunner({ pool: api.db.pool, logger, batchSize: 2, pollMs: 50, clock }).runOnce();
  const progress = await api.send<CampaignProgress>('GET', `/v1/campaigns/${campaignId}`);
  const { rows } = await api.db.pool.query<{ recipient: string }>('SELECT recipient FROM sms_messages WHERE campaign_id = $1 ORDER BY recipient', [campaignId]);
  return { progress: progress.body, recipients: rows.map((r) => r.recipient) };
}

beforeAll(async () => {
  api = await startOperatorApi({ name: 'notification-campaign-preview', now: clock });
  await seedContacts(api.db.pool, [
    // Two bills of one mobile: one recipient.
    { accountNo: '0114200001', msisdn: mobile(1), governorate: 'prev-gov' },
    { accountNo: '0114200002', msisdn: mobile(1), governorate: 'prev-gov', holderClass: 'business' },
    { accountNo: '0114200003', msisdn: mobile(2), governorate: 'prev-gov', status: 'paid', amountDue: 0 },
    { accountNo: '0114200004', msisdn: mobile(3), governorate: 'prev-gov', holderClass: 'public_entity', status: 'overdue' },
    { accountNo: '0114200005', msisdn: mobile(4), governorate: 'prev-gov' }, // opted out below
    { accountNo: '0114200006', msisdn: mobile(5), governorate: 'prev-gov', status: 'paid', amountDue: 0 }, // opted out below
    { accountNo: '0114200007', msisdn: null, governorate: 'prev-gov' },
    { accountNo: '0114200008', msisdn: null, governorate: 'prev-gov', holderClass: 'business' },
    { accountNo: '0114200009', msisdn: mobile(6), governorate: 'prev-gov', locale: 'en' },
    { accountNo: '0114200010', msisdn: mobile(7), governorate: 'elsewhere' },
  ]);
  await withTransaction(api.db.pool, async (client) => {
    await setOptOut(client, mobile(4), true, 'STOP', now);
    await setOptOut(client, mobile(5), true, 'STOP', now);
  });
});
afterAll(async () => {
  await api?.close();
});

describe('POST /v1/campaigns/preview', () => {
  it('counts what the campaign then texts: one per mobile, opted-out numbers excluded, holders without a mobile apart', async () => {
    const segment = { governorates: ['PREV-GOV'] };
    const reach = await preview(segment);
    expect(reach).toEqual({ recipients: 4, optedOut: 2, withoutMobile: 2 });
    const { progress, recipients } = await sent(segment);
    expect(progress.recipients).toBe(reach.recipients);
    expect(recipients).toEqual([mobile(1), mobile(2), mobile(3), mobile(6)]);
    expect(recipients).not.toContain(mobile(4));
    expect(recipients).not.toContain(mobile(5));
  });

  it.each([
    ['holder classes', { governorates: ['prev-gov'], holderClasses: ['business', 'public_entity'] }, 2],
    ['unpaid only', { governorates: ['prev-gov'], unpaidOnly: true }, 3],
    ['an account list', { accountNos: ['0114200002', '0114200005', '0114200010', '0119999999'] }, 2],
    ['everyone', { all: true }, 5],
  ])('agrees with the created campaign for %s', async (_name, segment, expected) => {
    const reach = await preview(segment);
    expect(reach.recipients).toBe(expected);
    const { progress, recipients } = await sent(segment);
    expect(progress.recipients).toBe(reach.recipients);
    expect(recipients).toHaveLength(reach.recipients);
  });

  it('refuses an empty segment as creation does (400), and is for operators only', async () => {
    const empty = await api.send<ErrorBody>('POST', '/v1/campaigns/preview', { body: { segment: {} }, idempotencyKey: null });
    expect(empty.status).toBe(400);
    expect(empty.body.error.code).toBe('invalid_request');
    const misspelt = await api.send<ErrorBody>('POST', '/v1/campaigns/preview', { body: { segment: { governorate: ['x'] } }, idempotencyKey: null });
    expect(misspelt.status).toBe(400);
    expect((await api.send('POST', '/v1/campaigns/preview', { as: 'portal', body: { segment: { all: true } }, idempotencyKey: null })).status).toBe(403);
    expect((await api.send('POST', '/v1/campaigns/preview', { as: 'unsigned', body: { segment: { all: true } }, idempotencyKey: null })).status).toBe(401);
  });
});

describe('the person the console acts for', () => {
  it('is named in the create and cancel audit rows and in createdBy', async () => {
    const created = await api.send<CampaignProgress>('POST', '/v1/campaigns', {
      body: { name: 'named', text: { ar: 'نص' }, segment: { governorates: ['nowhere'] }, startAt: '2026-12-02T08:00:00Z' },
      person: 'alice',
    });
    expect(created.status).toBe(201);
    expect(created.body.createdBy).toBe(`${api.operator}/alice`);
    const canceled = await api.send<CampaignProgress>('POST', `/v1/campaigns/${created.body.campaignId}/cancel`, { body: { reason: 'wrong text' }, idempotencyKey: null, person: 'bob' });
    expect(canceled.status).toBe(200);
    const { rows } = await api.db.pool.query<{ actor: string; action: string }>('SELECT actor, action FROM audit_log WHERE target = $1 ORDER BY id', [created.body.campaignId]);
    expect(rows).toEqual([
      { actor: `${api.operator}/alice`, action: 'campaign.create' },
      { actor: `${api.operator}/bob`, action: 'campaign.cancel' },
    ]);
  });
});
