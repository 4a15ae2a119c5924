// The Messages screen's API over a real notification (its app on a free port, a fresh database, real
// Redis) that trusts this run's console key: a subscriber's SMS and opt-outs for any role, the segment
// preview, and campaign create/cancel for operator and admin only, each audited by notification with
// the person. Bad input is refused by the console before anything reaches notification.
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { CampaignList, CampaignPreview, CampaignProgressView, OptOutList, OptOutState, SmsMessages } from '@gateway/contracts';
import { withTransaction } from '@gateway/kit';
import type { ClientsFile, HttpServer } from '@gateway/kit';
import { createTestDatabase, testLogger } from '@gateway/testkit';
import type { TestDatabase } from '@gateway/testkit';
import { Registry } from 'prom-client';
import { buildApp as buildNotificationApp } from '../../notification/src/app.ts';
import { createCampaignRunner } from '../../notification/src/jobs/campaign.runner.ts';
import { setOptOut } from '../../notification/src/store/pg-opt-out-store.ts';
import { seedContacts } from '../../notification/test/support/contacts-fixture.ts';
import { notificationMigrationsDir } from '../../notification/test/support/notification-harness.ts';
import { browser, serveTrustingConsole, startConsoleHarness } from './support/console-harness.ts';
import type { ConsoleHarness, TrustingService } from './support/console-harness.ts';

let h: ConsoleHarness;
let app: HttpServer;
let db: TestDatabase;
let notification: TrustingService;

const subscriber = '+963944100001';
const optedOutNumber = '+963944100002';

type ErrorReply = { error: { code: string; message: string } };

function aCampaign(segment: Record<string, unknown> = { governorates: ['msg-gov'] }) {
  return { name: `campaign ${randomUUID().slice(0, 6)}`, text: { ar: 'ادفع فاتورتك إلكترونياً', en: 'Pay your bill online' }, segment };
}

async function auditRows(target: string): Promise<{ actor: string; action: string }[]> {
  const { rows } = await db.pool.query<{ actor: string; action: string }>('SELECT actor, action FROM audit_log WHERE target = $1 ORDER BY id', [target]);
  return rows;
}

beforeAll(async () => {
  h = await startConsoleHarness();
  db = await createTestDatabase({ migrationsDir: notificationMigrationsDir });
  const portal: ClientsFile[number] = { clientId: `portal-${h.run}`, kind: 'portal', keys: [{ keyId: `portal-${h.run}`, secret: randomBytes(32).toString('base64') }] };
  notification = await serveTrustingConsole(h, 'console-messages', (deps) => buildNotificationApp({ ...deps, readiness: [], registry: new Registry(), pool: db.pool }), [portal]);
  app = await h.build({ services: { notification: notification.url } });

  await seedContacts(db.pool, [
    { accountNo: '0115100001', msisdn: subscriber, governorate: 'msg-gov' },
    { accountNo: '0115100002', msisdn: optedOutNumber, governorate: 'msg-gov' },
    { accountNo: '0115100003', msisdn: '+963944100003', governorate: 'msg-gov', holderClass: 'business' },
    { accountNo: '0115100004', msisdn: null, governorate: 'msg-gov' },
  ]);
  await withTransaction(db.pool, async (client) => {
    await setOptOut(client, optedOutNumber, true, 'STOP', new Date('2026-12-01T09:00:00Z'));
  });
  // A receipt SMS to the subscriber, sent in two parts, the first delivered.
  const messageId = '01900000-0000-7000-8000-00000000a001';
  await db.pool.query(
    `INSERT INTO sms_messages (message_id, dedupe_key, recipient, template, locale, account_no, body, urgent, state, not_before, encoding, segments, submitted_at)
     VALUES ($1, 'receipt:test', $2, 'payment_receipt', 'ar', '0115100001', 'استلمنا دفعتك', true, 'submitted', now(), 'ucs2', 2, now())`,
    [messageId, subscriber],
  );
  await db.pool.query(
    `INSERT INTO sms_parts (message_id, seq, smsc_message_id, state, done_at) VALUES ($1, 1, 'smsc-1', 'delivered', now()), ($1, 2, 'smsc-2', 'submitted', NULL)`,
    [messageId],
  );
});
afterAll(async () => {
  await h?.close();
  await notification?.close();
  await db?.drop();
});

describe("a subscriber's SMS and opt-outs", () => {
  it('shows a viewer the SMS to a number typed as 09…, with its parts and receipts', async () => {
    const b = browser(app);
    await b.signIn(h.users.viewer);
    const res = await b.send<SmsMessages>('GET', '/api/messages?to=0944100001');
    expect(res.status).toBe(200);
    expect(res.body.to).toBe(subscriber);
    expect(res.body.messages).toHaveLength(1);
    expect(res.body.messages[0]).toMatchObject({ template: 'payment_receipt', state: 'submitted', body: 'استلمنا دفعتك', encoding: 'ucs2' });
    expect(res.body.messages[0]!.parts.map((p) => [p.seq, p.smscMessageId, p.state])).toEqual([
      [1, 'smsc-1', 'delivered'],
      [2, 'smsc-2', 'submitted'],
    ]);
  });

  it("shows one subscriber's opt-out state and history, and the list of opted-out numbers with its cursor", async () => {
    const b = browser(app);
    await b.signIn(h.users.viewer);
    const one = await b.send<OptOutState>('GET', `/api/opt-outs?msisdn=${encodeURIComponent(optedOutNumber)}`);
    expect(one).toMatchObject({ status: 200, body: { msisdn: optedOutNumber, optedOut: true, via: 'STOP', history: [{ optedOut: true, via: 'STOP' }] } });
    const list = await b.send<OptOutList>('GET', '/api/opt-outs?limit=1');
    expect(list.status).toBe(200);
    expect(list.body.optOuts.map((o) => o.msisdn)).toEqual([optedOutNumber]);
    expect(list.body.nextCursor).toBeNull();
  });

  it('refuses a malformed number with 400 invalid_request without calling notification; a non-Syrian one is notification\'s 400', async () => {
    const b = browser(app);
    await b.signIn(h.users.viewer);
    const before = notification.received.length;
    const bad = await b.send<ErrorReply>('GET', '/api/messages?to=hello');
    expect(bad).toMatchObject({ status: 400, body: { error: { code: 'invalid_request' } } });
    expect((await b.send<ErrorReply>('GET', '/api/opt-outs?msisdn=x')).status).toBe(400);
    expect(notification.received.length).toBe(before);
    const landline = await b.send<ErrorReply>('GET', '/api/messages?to=0112345678');
    expect(landline).toMatchObject({ status: 400, body: { error: { code: 'invalid_request' } } });
  });
});

describe('campaigns', () => {
  it('previews a segment for a viewer: opted-out numbers and holders without a mobile counted apart', async () => {
    const b = browser(app);
    await b.signIn(h.users.viewer);
    const res = await b.send<CampaignPreview>('POST', '/api/campaigns/preview', { segment: { governorates: ['MSG-GOV'] } });
    expect(res).toMatchObject({ status: 200, body: { recipients: 2, optedOut: 1, withoutMobile: 1 } });
  });

  it('refuses an empty segment with 400 before calling notification', async () => {
    const b = browser(app);
    await b.signIn(h.users.operator);
    const before = notification.received.length;
    const preview = await b.send<ErrorReply>('POST', '/api/campaigns/preview', { segment: {} });
    expect(preview).toMatchObject({ status: 400, body: { error: { code: 'invalid_request' } } });
    const create = await b.send<ErrorReply>('POST', '/api/campaigns', aCampaign({}), { idempotencyKey: randomUUID() });
    expect(create).toMatchObject({ status: 400, body: { error: { code: 'invalid_request' } } });
    const noArabic = await b.send<ErrorReply>('POST', '/api/campaigns', { ...aCampaign(), text: { en: 'English only' } }, { idempotencyKey: randomUUID() });
    expect(noArabic.status).toBe(400);
    const noKey = await b.send<ErrorReply>('POST', '/api/campaigns', aCampaign());
    expect(noKey).toMatchObject({ status: 400, body: { error: { code: 'invalid_request' } } });
    expect(notification.received.length).toBe(before);
  });

  it('creates a campaign for an operator, once for a double submit of one form; its count is the preview\'s and notification audits the person', async () => {
    const b = browser(app);
    await b.signIn(h.users.operator);
    const body = aCampaign();
    const formKey = randomUUID();
    const first = await b.send<CampaignProgressView>('POST', '/api/campaigns', body, { idempotencyKey: formKey });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ name: body.name, state: 'scheduled', createdBy: `${h.consoleClientId}/${h.users.operator}` });
    const again = await b.send<CampaignProgressView>('POST', '/api/campaigns', body, { idempotencyKey: formKey });
    expect(again.status).toBe(201);
    expect(again.body.campaignId).toBe(first.body.campaignId);
    const { rows } = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM campaigns WHERE name = $1', [body.name]);
    expect(rows[0]!.n).toBe(1);

    await createCampaignRunner({ pool: db.pool, logger: testLogger('console-messages-runner'), batchSize: 100, pollMs: 50, clock: () => new Date() }).runOnce();
    const progress = await b.send<CampaignProgressView>('GET', `/api/campaigns/${first.body.campaignId}`);
    expect(progress).toMatchObject({ status: 200, body: { state: 'sending', recipients: 2, counts: { queued: 2 } } });
    const listed = await b.send<CampaignList>('GET', '/api/campaigns?limit=50');
    expect(listed.body.campaigns.map((c) => c.campaignId)).toContain(first.body.campaignId);
    expect(await auditRows(first.body.campaignId)).toEqual([{ actor: `${h.consoleClientId}/${h.users.operator}`, action: 'campaign.create' }]);
  });

  it('refuses a viewer creating or cancelling (403) and notification receives nothing', async () => {
    const op = browser(app);
    await op.signIn(h.users.operator);
    const created = await op.send<CampaignProgressView>('POST', '/api/campaigns', { ...aCampaign({ governorates: ['nowhere'] }), startAt: new Date(Date.now() + 3_600_000).toISOString() }, { idempotencyKey: randomUUID() });
    expect(created.status).toBe(201);

    const viewer = browser(app);
    await viewer.signIn(h.users.viewer);
    const before = notification.received.length;
    const create = await viewer.send<ErrorReply>('POST', '/api/campaigns', aCampaign(), { idempotencyKey: randomUUID() });
    expect(create).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
    const cancel = await viewer.send<ErrorReply>('POST', `/api/campaigns/${created.body.campaignId}/cancel`, { reason: 'not mine to cancel' });
    expect(cancel).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
    expect(notification.received.length).toBe(before);
    expect((await op.send<CampaignProgressView>('GET', `/api/campaigns/${created.body.campaignId}`)).body.state).toBe('scheduled');
  });

  it('lets an admin cancel with a reason, audited with the person; no reason is 400; an unknown campaign 404', async () => {
    const op = browser(app);
    await op.signIn(h.users.operator);
    const created = await op.send<CampaignProgressView>('POST', '/api/campaigns', { ...aCampaign({ governorates: ['nowhere'] }), startAt: new Date(Date.now() + 3_600_000).toISOString() }, { idempotencyKey: randomUUID() });
    const admin = browser(app);
    await admin.signIn(h.users.admin);
    const noReason = await admin.send<ErrorReply>('POST', `/api/campaigns/${created.body.campaignId}/cancel`, {});
    expect(noReason).toMatchObject({ status: 400, body: { error: { code: 'invalid_request' } } });
    const canceled = await admin.send<CampaignProgressView>('POST', `/api/campaigns/${created.body.campaignId}/cancel`, { reason: 'wrong text' });
    expect(canceled).toMatchObject({ status: 200, body: { state: 'canceled' } });
    expect(await auditRows(created.body.campaignId)).toEqual([
      { actor: `${h.consoleClientId}/${h.users.operator}`, action: 'campaign.create' },
      { actor: `${h.consoleClientId}/${h.users.admin}`, action: 'campaign.cancel' },
    ]);
    const unknown = await admin.send<ErrorReply>('POST', `/api/campaigns/${randomUUID()}/cancel`, { reason: 'nothing there' });
    expect(unknown).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
  });
});
