// Operators' campaigns end to end over real Postgres and Redis: the HTTP API as buildApp serves it
// (signed requests, Idempotency-Key, audit), the segment selection, and the runner that queues the
// recipients batch by batch, resumably and never twice.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { ErrorBody } from '@gateway/contracts';
import { withTransaction } from '@gateway/kit';
import { testLogger } from '@gateway/testkit';
import type { TestDatabase } from '@gateway/testkit';
import { createCampaignRunner } from '../src/jobs/campaign.runner.ts';
import type { CampaignRunner } from '../src/jobs/campaign.runner.ts';
import type { CampaignProgress } from '../src/store/pg-campaign-store.ts';
import { queueNextBatch } from '../src/store/pg-campaign-store.ts';
import { setOptOut } from '../src/store/pg-opt-out-store.ts';
import { seedContacts } from './support/contacts-fixture.ts';
import { startOperatorApi } from './support/operator-api.ts';
import type { OperatorApi, Reply, SendOptions } from './support/operator-api.ts';

let api: OperatorApi;
let db: TestDatabase;
let operator: string;
let now = new Date('2026-12-01T08:00:00.000Z');
const clock = () => now;
const logger = testLogger('notification-campaigns');

function send<T = ErrorBody>(method: 'GET' | 'POST', path: string, options?: SendOptions): Promise<Reply<T>> {
  return api.send<T>(method, path, options);
}

/** A valid campaign body; `segment` defaults to a governorate nobody lives in. */
function aCampaign(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { name: `campaign ${randomUUID().slice(0, 6)}`, text: { ar: 'ادفع فاتورتك إلكترونياً', en: 'Pay your bill electronically' }, segment: { governorates: ['nowhere'] }, ...overrides };
}

async function create(body: Record<string, unknown>): Promise<CampaignProgress> {
  const res = await send<CampaignProgress>('POST', '/v1/campaigns', { body });
  expect(res.status).toBe(201);
  return res.body;
}

function runner(batchSize: number): CampaignRunner {
  return createCampaignRunner({ pool: db.pool, logger, batchSize, pollMs: 50, clock });
}

type MessageRow = { message_id: string; recipient: string; locale: string; body: string; account_no: string; state: string; dedupe_key: string; not_before: Date; template: string; urgent: boolean };

async function messagesOf(campaignId: string): Promise<MessageRow[]> {
  const { rows } = await db.pool.query<MessageRow>(
    'SELECT message_id::text, recipient, locale, body, account_no, state, dedupe_key, not_before, template, urgent FROM sms_messages WHERE campaign_id = $1 ORDER BY recipient',
    [campaignId],
  );
  return rows;
}

async function optOut(msisdn: string): Promise<void> {
  await withTransaction(db.pool, (client) => setOptOut(client, msisdn, true, 'STOP', now));
}

/** n distinct Syrian mobiles sharing a prefix of 7 digits after +963 9. */
function mobiles(prefix: string, n: number): string[] {
  return Array.from({ length: n }, (_, i) => `+9639${prefix}${String(i).padStart(8 - prefix.length, '0')}`);
}

beforeAll(async () => {
  api = await startOperatorApi({ name: 'notification-campaigns', now: clock });
  db = api.db;
  operator = api.operator;
});
afterAll(async () => {
  await api?.close();
});

describe('POST /v1/campaigns', () => {
  it('schedules a campaign, answers with its progress, audits it, and GET shows the same', async () => {
    const res = await send<CampaignProgress>('POST', '/v1/campaigns', { body: aCampaign({ name: 'Pay online, December', startAt: '2026-12-02T07:00:00Z' }) });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      campaignId: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-/),
      name: 'Pay online, December',
      state: 'scheduled',
      startAt: '2026-12-02T07:00:00.000Z',
      createdBy: operator,
      createdAt: now.toISOString(),
      startedAt: null,
      completedAt: null,
      canceledAt: null,
      recipients: 0,
      counts: { queued: 0, submitted: 0, delivered: 0, failed: 0, expired: 0, suppressed: 0 },
    });
    expect(res.headers.location).toBe(`/v1/campaigns/${res.body.campaignId}`);

    const got = await send<CampaignProgress>('GET', `/v1/campaigns/${res.body.campaignId}`);
    expect(got).toMatchObject({ status: 200, body: res.body });

    const { rows } = await db.pool.query<{ actor: string; action: string; detail: Record<string, unknown> }>('SELECT actor, action, detail FROM audit_log WHERE target = $1', [
      res.body.campaignId,
    ]);
    expect(rows).toEqual([{ actor: operator, action: 'campaign.create', detail: expect.objectContaining({ name: 'Pay online, December', segment: { governorates: ['nowhere'], all: false } }) }]);
  });

  it('starts now when startAt is left out', async () => {
    const { startAt, state } = await create(aCampaign());
    expect({ startAt, state }).toEqual({ startAt: now.toISOString(), state: 'scheduled' });
  });

  it('replays the same key and body byte for byte; the same key with another body is 422 idempotency_key_reused', async () => {
    const key = `campaign-${randomUUID()}`;
    const body = aCampaign();
    const first = await send<CampaignProgress>('POST', '/v1/campaigns', { body, idempotencyKey: key });
    expect(first.status).toBe(201);
    // Later, and after the campaign moved on: the replay is still the first answer, not today's state.
    now = new Date(now.getTime() + 60_000);
    const again = await send<CampaignProgress>('POST', '/v1/campaigns', { body, idempotencyKey: key });
    expect(again.status).toBe(201);
    expect(again.payload).toBe(first.payload);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(first.headers['idempotent-replayed']).toBeUndefined();

    const reused = await send('POST', '/v1/campaigns', { body: { ...body, name: 'another' }, idempotencyKey: key });
    expect(reused.status).toBe(422);
    expect(reused.body.error.code).toBe('idempotency_key_reused');

    const { rows } = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM campaigns WHERE name = $1', [body.name]);
    expect(rows[0]!.n).toBe(1);
    expect((await db.pool.query("SELECT 1 FROM audit_log WHERE action = 'campaign.create' AND target = $1", [first.body.campaignId])).rowCount).toBe(1);
  });

  it('requires an Idempotency-Key', async () => {
    const res = await send('POST', '/v1/campaigns', { body: aCampaign(), idempotencyKey: null });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_request');
  });

  it('is for operators only: a portal client is 403, an unsigned request 401', async () => {
    const before = await db.pool.query('SELECT 1 FROM campaigns');
    const portal = await send('POST', '/v1/campaigns', { as: 'portal', body: aCampaign() });
    expect(portal.status).toBe(403);
    expect(portal.body.error.code).toBe('forbidden');
    expect((await send('POST', '/v1/campaigns', { as: 'unsigned', body: aCampaign() })).status).toBe(401);
    expect((await send('GET', '/v1/campaigns', { as: 'portal' })).status).toBe(403);
    expect((await send('GET', `/v1/campaigns/${randomUUID()}`, { as: 'portal' })).status).toBe(403);
    expect((await send('POST', `/v1/campaigns/${randomUUID()}/cancel`, { as: 'portal' })).status).toBe(403);
    expect((await db.pool.query('SELECT 1 FROM campaigns')).rowCount).toBe(before.rowCount);
  });

  it.each([
    ['an empty Arabic text', { text: { ar: '' } }, 'body.text.ar'],
    ['a blank English text', { text: { ar: 'نص', en: '   ' } }, 'body.text.en'],
    ['a text over 1,000 characters', { text: { ar: 'ب'.repeat(1_001) } }, 'body.text.ar'],
    ['a NUL in the text', { text: { ar: 'a\u0000b' } }, 'body.text.ar'],
    ['no Arabic text', { text: { en: 'Pay online' } }, 'body.text.ar'],
    ['an empty segment without "all"', { segment: {} }, 'body.segment.all'],
    ['a segment that only says unpaidOnly: false', { segment: { unpaidOnly: false } }, 'body.segment.all'],
    ['"all": false alone', { segment: { all: false } }, 'body.segment.all'],
    ['"all": true with a filter', { segment: { all: true, governorates: ['homs'] } }, 'body.segment.all'],
    ['a misspelt filter', { segment: { governorate: ['homs'] } }, 'body.segment'],
    ['an unknown holder class', { segment: { holderClasses: ['vip'] } }, 'body.segment.holderClasses.0'],
    ['an empty governorate list', { segment: { governorates: [] } }, 'body.segment.governorates'],
    ['over 10,000 account numbers', { segment: { accountNos: Array.from({ length: 10_001 }, (_, i) => `011${i}`) } }, 'body.segment.accountNos'],
    ['a start time with an offset', { startAt: '2026-12-01T10:00:00+02:00' }, 'body.startAt'],
    ['a start more than 5 minutes past', { startAt: 'PAST' }, 'body.startAt'],
    ['a start more than 60 days ahead', { startAt: 'FAR' }, 'body.startAt'],
  ])('refuses %s with 400 invalid_request naming the field', async (_what, overrides, field) => {
    const body = aCampaign(overrides);
    if (body.startAt === 'PAST') body.startAt = new Date(now.getTime() - 5 * 60_000 - 1_000).toISOString();
    if (body.startAt === 'FAR') body.startAt = new Date(now.getTime() + 60 * 86_400_000 + 1_000).toISOString();
    const before = (await db.pool.query('SELECT 1 FROM campaigns')).rowCount;
    const res = await send<ErrorBody & { error: { details: { fields: { field: string }[] } } }>('POST', '/v1/campaigns', { body });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_request');
    expect(res.body.error.details.fields.map((f) => f.field)).toContain(field);
    expect((await db.pool.query('SELECT 1 FROM campaigns')).rowCount).toBe(before);
  });

  it('accepts the edges: a start 4 minutes past, 60 days ahead, 1,000 characters, everyone with "all": true', async () => {
    await create(aCampaign({ startAt: new Date(now.getTime() - 4 * 60_000).toISOString() }));
    await create(aCampaign({ startAt: new Date(now.getTime() + 60 * 86_400_000).toISOString(), text: { ar: 'ب'.repeat(1_000) } }));
    // Scheduled far ahead so it stays out of the runner tests below (it would select every contact).
    const everyone = await create(aCampaign({ segment: { all: true }, startAt: new Date(now.getTime() + 30 * 86_400_000).toISOString() }));
    const { rows } = await db.pool.query<{ segment: unknown }>('SELECT segment FROM campaigns WHERE campaign_id = $1', [everyone.campaignId]);
    expect(rows[0]!.segment).toEqual({});
  });

  it('does not keep a refused start time under the key: the corrected request runs under the same key', async () => {
    const key = `campaign-${randomUUID()}`;
    const late = await send('POST', '/v1/campaigns', { body: aCampaign({ startAt: '2020-01-01T00:00:00Z' }), idempotencyKey: key });
    expect(late.status).toBe(400);
    const fixed = await send('POST', '/v1/campaigns', { body: aCampaign(), idempotencyKey: key });
    expect(fixed.status).toBe(201);
  });
});

describe('GET /v1/campaigns', () => {
  it('answers 404 for an unknown campaign and 400 for a malformed id', async () => {
    const unknown = await send('GET', `/v1/campaigns/${randomUUID()}`);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('not_found');
    const malformed = await send('GET', '/v1/campaigns/not-a-uuid');
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.code).toBe('invalid_request');
  });

  it('lists campaigns newest first, a page at a time', async () => {
    const made: CampaignProgress[] = [];
    for (let i = 0; i < 3; i++) {
      now = new Date(now.getTime() + 1_000);
      made.push(await create(aCampaign({ name: `listed ${i}` })));
    }
    type Page = { campaigns: CampaignProgress[]; nextCursor: string | null };
    const first = await send<Page>('GET', '/v1/campaigns?limit=2');
    expect(first.status).toBe(200);
    expect(first.body.campaigns.map((c) => c.name)).toEqual(['listed 2', 'listed 1']);
    expect(first.body.campaigns[0]).toEqual(made[2]);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await send<Page>('GET', `/v1/campaigns?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body.campaigns[0]!.name).toBe('listed 0');

    // Walking every page sees each campaign once.
    const total = (await db.pool.query('SELECT 1 FROM campaigns')).rowCount;
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Reply<Page> = await send<Page>('GET', `/v1/campaigns?limit=3${cursor === null ? '' : `&cursor=${cursor}`}`);
      seen.push(...page.body.campaigns.map((c) => c.campaignId));
      cursor = page.body.nextCursor;
    } while (cursor !== null);
    expect(new Set(seen).size).toBe(total);
    expect(seen.length).toBe(total);
  });

  it.each([['limit=0'], ['limit=101'], ['limit=abc'], ['cursor=nonsense'], [`cursor=${Buffer.from('["x","y"]').toString('base64url')}`]])(
    'refuses %s with 400 invalid_request',
    async (query) => {
      const res = await send('GET', `/v1/campaigns?${query}`);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('invalid_request');
    },
  );

  it('documents the routes in the OpenAPI document', async () => {
    const res = await api.app.inject({ method: 'GET', url: '/docs/json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json<{ paths: Record<string, unknown> }>();
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/campaigns', '/v1/campaigns/{campaignId}', '/v1/campaigns/{campaignId}/cancel', '/v1/opt-outs']));
  });
});

describe('segment selection', () => {
  const [a, c, d, e, g, h] = mobiles('4410', 6) as [string, string, string, string, string, string];

  beforeAll(async () => {
    await seedContacts(db.pool, [
      // a holds two lines: one message for both, naming the most recently updated matching bill.
      { accountNo: '0114100001', msisdn: a, governorate: 'sel-gov', holderClass: 'individual', status: 'open', updatedAt: '2026-11-01T00:00:00Z' },
      { accountNo: '0114100002', msisdn: a, governorate: 'sel-gov', holderClass: 'individual', status: 'paid', amountDue: 0, updatedAt: '2026-11-02T00:00:00Z' },
      { accountNo: '0114100003', msisdn: c, governorate: 'sel-gov', holderClass: 'business', status: 'paid', amountDue: 0 },
      { accountNo: '0114100004', msisdn: d, governorate: 'sel-other', holderClass: 'individual', status: 'open' },
      { accountNo: '0114100005', msisdn: e, governorate: 'sel-gov', holderClass: 'individual', status: 'open' },
      { accountNo: '0114100006', msisdn: null, governorate: 'sel-gov', holderClass: 'individual', status: 'open' },
      { accountNo: '0114100007', msisdn: g, governorate: 'sel-gov', holderClass: 'public_entity', status: 'overdue', locale: 'en' },
      { accountNo: '0114100008', msisdn: h, governorate: 'sel-gov', holderClass: 'individual', status: 'partially_paid', amountDue: 0 },
    ]);
    await optOut(e);
  });

  async function queued(segment: Record<string, unknown>, text: Record<string, string> = { ar: 'نص عربي', en: 'English text' }) {
    await runner(1_000).runOnce(); // nothing else left due
    const campaign = await create(aCampaign({ segment, text }));
    await runner(2).runOnce();
    return { campaign, messages: await messagesOf(campaign.campaignId) };
  }

  it('takes a governorate (any case), one message per mobile, skipping opted-out numbers and holders without a mobile', async () => {
    const { campaign, messages } = await queued({ governorates: ['SEL-GOV'] });
    expect(messages.map((m) => m.recipient)).toEqual([a, c, g, h]);
    const progress = await send<CampaignProgress>('GET', `/v1/campaigns/${campaign.campaignId}`);
    expect(progress.body).toMatchObject({ state: 'sending', recipients: 4, counts: { queued: 4 } });
    expect(progress.body.startedAt).toBe(now.toISOString());
    const first = messages[0]!;
    expect(first).toMatchObject({
      account_no: '0114100002',
      dedupe_key: `campaign:${campaign.campaignId}:${a}`,
      template: 'campaign',
      urgent: false,
      state: 'queued',
      locale: 'ar',
      body: 'نص عربي',
    });
    expect(first.not_before.toISOString()).toBe(campaign.startAt);
    expect(first.message_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7/);
    expect(messages.find((m) => m.recipient === g)).toMatchObject({ locale: 'en', body: 'English text' });
  });

  it('ANDs the filters: governorate and holder class', async () => {
    const { messages } = await queued({ governorates: ['sel-gov'], holderClasses: ['individual'] });
    expect(messages.map((m) => m.recipient)).toEqual([a, h]);
  });

  it('unpaidOnly keeps holders with an open, partially paid or overdue bill that has an amount due', async () => {
    const { messages } = await queued({ governorates: ['sel-gov'], unpaidOnly: true }, { ar: 'ادفع' });
    expect(messages.map((m) => [m.recipient, m.account_no])).toEqual([
      [a, '0114100001'],
      [g, '0114100007'],
    ]);
    // No English text: the English-speaking holder gets the Arabic one.
    expect(messages.find((m) => m.recipient === g)).toMatchObject({ locale: 'ar', body: 'ادفع' });
  });

  it('takes a list of account numbers', async () => {
    const { messages } = await queued({ accountNos: ['0114100004', '0114100002', '0114100005', '0119999999'] });
    expect(messages.map((m) => [m.recipient, m.account_no])).toEqual([
      [a, '0114100002'],
      [d, '0114100004'],
    ]);
  });
});

describe('the campaign runner', () => {
  it('queues in batches, resumes from the cursor after a restart, and queues nobody twice', async () => {
    const numbers = mobiles('4420', 25);
    await seedContacts(
      db.pool,
      numbers.map((msisdn, i) => ({ accountNo: `01142${String(i).padStart(5, '0')}`, msisdn, governorate: 'run-gov' })),
    );
    const stopped = [numbers[0]!, numbers[9]!, numbers[24]!];
    for (const n of stopped) await optOut(n);
    await runner(1_000).runOnce();
    const campaign = await create(aCampaign({ segment: { governorates: ['run-gov'] } }));

    const first = await runner(4).runOnce({ maxBatches: 2 });
    expect(first.batches).toBe(2);
    const midway = await send<CampaignProgress>('GET', `/v1/campaigns/${campaign.campaignId}`);
    expect(midway.body).toMatchObject({ state: 'starting', recipients: 7, counts: { queued: 7 } }); // 8 taken, 1 opted out

    // A batch whose transaction dies queues nothing and moves no cursor.
    await expect(
      withTransaction(db.pool, async (client) => {
        await queueNextBatch(client, campaign.campaignId, 4, now);
        throw new Error('crash mid-batch');
      }),
    ).rejects.toThrow('crash mid-batch');
    expect(await messagesOf(campaign.campaignId)).toHaveLength(7);

    // A fresh runner (a restart, or another replica) with another batch size carries on.
    const rest = await runner(5).runOnce();
    expect(rest.queued).toBe(15);
    const messages = await messagesOf(campaign.campaignId);
    expect(messages.map((m) => m.recipient)).toEqual(numbers.filter((n) => !stopped.includes(n)));
    const done = await send<CampaignProgress>('GET', `/v1/campaigns/${campaign.campaignId}`);
    expect(done.body).toMatchObject({ state: 'sending', recipients: 22, counts: { queued: 22 } });

    const idle = await runner(5).runOnce();
    expect(idle).toEqual({ batches: 0, queued: 0, completed: [] });
    expect(await messagesOf(campaign.campaignId)).toHaveLength(22);
  });

  it('shares a campaign between two replicas running at once without queueing anyone twice', async () => {
    const numbers = mobiles('4430', 40);
    await seedContacts(
      db.pool,
      numbers.map((msisdn, i) => ({ accountNo: `01143${String(i).padStart(5, '0')}`, msisdn, governorate: 'pair-gov' })),
    );
    await runner(1_000).runOnce();
    const campaign = await create(aCampaign({ segment: { governorates: ['pair-gov'] } }));
    const [one, two] = await Promise.all([runner(3).runOnce(), runner(3).runOnce()]);
    expect(one.queued + two.queued).toBe(40);
    const messages = await messagesOf(campaign.campaignId);
    expect(new Set(messages.map((m) => m.recipient)).size).toBe(40);
    expect((await send<CampaignProgress>('GET', `/v1/campaigns/${campaign.campaignId}`)).body.recipients).toBe(40);
  });

  it('queues 10,000 recipients, one message each', async () => {
    const numbers = mobiles('45', 10_000);
    await seedContacts(
      db.pool,
      numbers.map((msisdn, i) => ({ accountNo: `01150${String(i).padStart(5, '0')}`, msisdn, governorate: 'big-gov', locale: i % 2 === 0 ? 'ar' : 'en' })),
    );
    await runner(1_000).runOnce();
    const campaign = await create(aCampaign({ segment: { governorates: ['big-gov'] } }));
    const pass = await runner(1_000).runOnce();
    expect(pass).toMatchObject({ batches: 11, queued: 10_000 });
    const { rows } = await db.pool.query<{ n: number; en: number }>(
      "SELECT count(DISTINCT recipient)::int AS n, count(*) FILTER (WHERE locale = 'en')::int AS en FROM sms_messages WHERE campaign_id = $1",
      [campaign.campaignId],
    );
    expect(rows[0]).toEqual({ n: 10_000, en: 5_000 });
    expect((await send<CampaignProgress>('GET', `/v1/campaigns/${campaign.campaignId}`)).body).toMatchObject({ state: 'sending', recipients: 10_000, counts: { queued: 10_000 } });
  });

  it('waits for the start time', async () => {
    await seedContacts(db.pool, [{ accountNo: '0114400001', msisdn: mobiles('4440', 1)[0]!, governorate: 'later-gov' }]);
    await runner(1_000).runOnce();
    const campaign = await create(aCampaign({ segment: { governorates: ['later-gov'] }, startAt: new Date(now.getTime() + 3_600_000).toISOString() }));
    await runner(10).runOnce();
    expect((await send<CampaignProgress>('GET', `/v1/campaigns/${campaign.campaignId}`)).body).toMatchObject({ state: 'scheduled', recipients: 0 });
    now = new Date(now.getTime() + 3_600_000);
    await runner(10).runOnce();
    const started = await send<CampaignProgress>('GET', `/v1/campaigns/${campaign.campaignId}`);
    expect(started.body).toMatchObject({ state: 'sending', recipients: 1, startedAt: now.toISOString() });
  });

  it('completes a campaign once none of its messages is queued', async () => {
    const numbers = mobiles('4450', 3);
    await seedContacts(
      db.pool,
      numbers.map((msisdn, i) => ({ accountNo: `01145${String(i).padStart(5, '0')}`, msisdn, governorate: 'done-gov' })),
    );
    await runner(1_000).runOnce();
    const campaign = await create(aCampaign({ segment: { governorates: ['done-gov'] } }));
    await runner(10).runOnce();
    // What the dispatcher and the receipts would do.
    await db.pool.query("UPDATE sms_messages SET state = 'delivered' WHERE recipient = $1", [numbers[0]]);
    await db.pool.query("UPDATE sms_messages SET state = 'failed' WHERE recipient = $1", [numbers[1]]);
    expect((await runner(10).runOnce()).completed).toEqual([]);
    await db.pool.query("UPDATE sms_messages SET state = 'submitted' WHERE recipient = $1", [numbers[2]]);
    now = new Date(now.getTime() + 1_000);
    expect((await runner(10).runOnce()).completed).toEqual([campaign.campaignId]);
    const done = await send<CampaignProgress>('GET', `/v1/campaigns/${campaign.campaignId}`);
    expect(done.body).toMatchObject({ state: 'completed', completedAt: now.toISOString(), counts: { queued: 0, delivered: 1, failed: 1, submitted: 1 } });

    // Canceling a completed campaign is refused, and the attempt is audited.
    const cancel = await send<ErrorBody>('POST', `/v1/campaigns/${campaign.campaignId}/cancel`);
    expect(cancel.status).toBe(409);
    expect(cancel.body.error).toMatchObject({ code: 'invalid_state', details: { reason: 'campaign_completed' } });
    const { rows } = await db.pool.query<{ action: string; detail: { changed: boolean } }>("SELECT action, detail FROM audit_log WHERE target = $1 AND action = 'campaign.cancel'", [
      campaign.campaignId,
    ]);
    expect(rows).toEqual([{ action: 'campaign.cancel', detail: expect.objectContaining({ changed: false, state: 'completed' }) }]);
  });
});

describe('POST /v1/campaigns/{campaignId}/cancel', () => {
  it('stops a campaign mid-way: queued messages are suppressed, nothing more is queued, and it is audited', async () => {
    const numbers = mobiles('4460', 10);
    await seedContacts(
      db.pool,
      numbers.map((msisdn, i) => ({ accountNo: `01146${String(i).padStart(5, '0')}`, msisdn, governorate: 'cancel-gov' })),
    );
    await runner(1_000).runOnce();
    const campaign = await create(aCampaign({ segment: { governorates: ['cancel-gov'] } }));
    await runner(3).runOnce({ maxBatches: 1 });
    // One already went out before the cancel: it stays submitted.
    await db.pool.query("UPDATE sms_messages SET state = 'submitted' WHERE recipient = $1", [numbers[0]]);

    now = new Date(now.getTime() + 1_000);
    const res = await send<CampaignProgress>('POST', `/v1/campaigns/${campaign.campaignId}/cancel`, { body: { reason: 'wrong text' } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ state: 'canceled', canceledAt: now.toISOString(), recipients: 3, counts: { queued: 0, submitted: 1, suppressed: 2 } });
    const suppressed = (await messagesOf(campaign.campaignId)).filter((m) => m.state === 'suppressed');
    expect(suppressed).toHaveLength(2);
    const { rows: errors } = await db.pool.query<{ last_error: string }>("SELECT DISTINCT last_error FROM sms_messages WHERE campaign_id = $1 AND state = 'suppressed'", [
      campaign.campaignId,
    ]);
    expect(errors).toEqual([{ last_error: 'campaign canceled' }]);

    await runner(3).runOnce();
    expect(await messagesOf(campaign.campaignId)).toHaveLength(3);

    // Canceling again changes nothing and answers the campaign as it is.
    const again = await send<CampaignProgress>('POST', `/v1/campaigns/${campaign.campaignId}/cancel`);
    expect(again).toMatchObject({ status: 200, body: { state: 'canceled', canceledAt: res.body.canceledAt } });

    const { rows } = await db.pool.query<{ actor: string; action: string; detail: Record<string, unknown> }>(
      "SELECT actor, action, detail FROM audit_log WHERE target = $1 AND action = 'campaign.cancel' ORDER BY id",
      [campaign.campaignId],
    );
    expect(rows).toEqual([
      { actor: operator, action: 'campaign.cancel', detail: { changed: true, from: 'starting', suppressed: 2, reason: 'wrong text' } },
      { actor: operator, action: 'campaign.cancel', detail: { changed: false, state: 'canceled', reason: null } },
    ]);
    await expect(db.pool.query('DELETE FROM audit_log')).rejects.toThrow(/append-only/);
  });

  it('cancels a campaign that has not started, which then never starts', async () => {
    await seedContacts(db.pool, [{ accountNo: '0114700001', msisdn: mobiles('4470', 1)[0]!, governorate: 'never-gov' }]);
    const campaign = await create(aCampaign({ segment: { governorates: ['never-gov'] }, startAt: new Date(now.getTime() + 60_000).toISOString() }));
    const res = await send<CampaignProgress>('POST', `/v1/campaigns/${campaign.campaignId}/cancel`);
    expect(res.body).toMatchObject({ state: 'canceled', recipients: 0 });
    now = new Date(now.getTime() + 120_000);
    await runner(10).runOnce();
    expect(await messagesOf(campaign.campaignId)).toEqual([]);
  });

  it('answers 404 for an unknown campaign and 400 for a malformed id', async () => {
    const unknown = await send('POST', `/v1/campaigns/${randomUUID()}/cancel`);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('not_found');
    expect((await send('POST', '/v1/campaigns/nope/cancel')).status).toBe(400);
  });
});
