// Operators see opt-outs: one subscriber's state and history, whatever form the number is typed in,
// and the list of numbers opted out now. Over real Postgres and Redis, through buildApp, signed.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ErrorBody } from '@gateway/contracts';
import { withTransaction } from '@gateway/kit';
import type { TestDatabase } from '@gateway/testkit';
import { normaliseMsisdn } from '../src/domain/msisdn.ts';
import { setOptOut } from '../src/store/pg-opt-out-store.ts';
import { startOperatorApi } from './support/operator-api.ts';
import type { OperatorApi } from './support/operator-api.ts';

let api: OperatorApi;
let db: TestDatabase;

type Subscriber = { msisdn: string; optedOut: boolean; changedAt: string | null; via: string | null; history: { optedOut: boolean; via: string; at: string }[] };
type Page = { optOuts: { msisdn: string; changedAt: string; via: string }[]; nextCursor: string | null };

async function get<T = ErrorBody>(path: string, as: 'ops' | 'portal' | 'unsigned' = 'ops'): Promise<{ status: number; body: T }> {
  const { status, body } = await api.send<T>('GET', path, { as });
  return { status, body };
}

async function record(msisdn: string, optedOut: boolean, via: string, at: string) {
  return withTransaction(db.pool, (client) => setOptOut(client, msisdn, optedOut, via, new Date(at)));
}

const stopStartStop = '+963944300001';
const stopped = '+963944300002';
const startedAgain = '+963944300003';

beforeAll(async () => {
  api = await startOperatorApi({ name: 'notification-opt-outs' });
  db = api.db;
});
afterAll(async () => {
  await api?.close();
});

describe('normaliseMsisdn', () => {
  it.each([
    ['+963944300001'],
    ['00963944300001'],
    ['0944300001'],
    ['0944 300 001'],
    ['+963-944-300-001'],
    ['963944300001'],
    [' 963944300001'],
    ['٠٩٤٤٣٠٠٠٠١'],
  ])('reads %s as +963944300001', (input) => {
    expect(normaliseMsisdn(input)).toBe('+963944300001');
  });

  it.each([[''], ['abc'], ['0112345678'], ['+447700900123'], ['09443000011'], ['+9639443'], ['0'.repeat(65)]])('refuses %j', (input) => {
    expect(normaliseMsisdn(input)).toBeNull();
  });
});

describe('setOptOut', () => {
  it('records every STOP and START in the history and says when the state really changed', async () => {
    const msisdn = '+963944399999';
    const never = await record(msisdn, false, 'START', '2026-10-01T00:00:00Z');
    expect(never.changed).toBe(false);
    const stop = await record(msisdn, true, 'STOP', '2026-10-02T00:00:00Z');
    expect(stop.changed).toBe(true);
    const again = await record(msisdn, true, 'توقف', '2026-10-03T00:00:00Z');
    expect(again.changed).toBe(false);
    expect(again.historyId).toBeGreaterThan(stop.historyId);
    const start = await record(msisdn, false, 'START', '2026-10-04T00:00:00Z');
    expect(start.changed).toBe(true);
    const { rows } = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM opt_out_history WHERE msisdn = $1', [msisdn]);
    expect(rows[0]!.n).toBe(4);
  });
});

describe('GET /v1/opt-outs', () => {
  beforeAll(async () => {
    await record(stopStartStop, true, 'STOP', '2026-11-01T08:00:00Z');
    await record(stopStartStop, false, 'START', '2026-11-02T08:00:00Z');
    await record(stopStartStop, true, 'توقف', '2026-11-03T08:00:00Z');
    await record(stopped, true, 'STOP', '2026-11-01T09:00:00Z');
    // A repeat: in the history, but the state changed on the first STOP.
    await record(stopped, true, 'STOP', '2026-11-05T09:00:00Z');
    await record(startedAgain, true, 'STOP', '2026-11-01T10:00:00Z');
    await record(startedAgain, false, 'START', '2026-11-04T10:00:00Z');
  });

  it('shows one subscriber’s state and history, newest first', async () => {
    const res = await get<Subscriber>(`/v1/opt-outs?msisdn=${encodeURIComponent(stopStartStop)}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      msisdn: stopStartStop,
      optedOut: true,
      changedAt: '2026-11-03T08:00:00.000Z',
      via: 'توقف',
      history: [
        { optedOut: true, via: 'توقف', at: '2026-11-03T08:00:00.000Z' },
        { optedOut: false, via: 'START', at: '2026-11-02T08:00:00.000Z' },
        { optedOut: true, via: 'STOP', at: '2026-11-01T08:00:00.000Z' },
      ],
    });
    const repeat = await get<Subscriber>(`/v1/opt-outs?msisdn=${encodeURIComponent(stopped)}`);
    expect(repeat.body).toMatchObject({ optedOut: true, changedAt: '2026-11-01T09:00:00.000Z' });
    expect(repeat.body.history).toHaveLength(2);
  });

  it.each([['%2B963944300001'], ['+963944300001'], ['00963944300001'], ['0944300001'], ['0944%20300%20001'], ['963944300001'], [encodeURIComponent('٠٩٤٤٣٠٠٠٠١')]])(
    'finds the subscriber by %s',
    async (query) => {
      const res = await get<Subscriber>(`/v1/opt-outs?msisdn=${query}`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ msisdn: stopStartStop, optedOut: true });
    },
  );

  it('answers a number never seen as not opted out, with no history', async () => {
    const res = await get<Subscriber>('/v1/opt-outs?msisdn=0933123456');
    expect(res).toEqual({ status: 200, body: { msisdn: '+963933123456', optedOut: false, changedAt: null, via: null, history: [] } });
  });

  it.each([['abc'], ['0112345678'], ['%2B447700900123'], [''], ['%00']])('refuses msisdn=%s with 400 invalid_request', async (query) => {
    const res = await get<ErrorBody & { error: { details: { fields: { field: string }[] } } }>(`/v1/opt-outs?msisdn=${query}`);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_request');
    expect(res.body.error.details.fields[0]!.field).toBe('querystring.msisdn');
  });

  it('lists the numbers opted out now, most recent change first, a page at a time', async () => {
    const all = await get<Page>('/v1/opt-outs');
    expect(all.status).toBe(200);
    expect(all.body.optOuts.filter((o) => [stopStartStop, stopped, startedAgain].includes(o.msisdn))).toEqual([
      { msisdn: stopStartStop, changedAt: '2026-11-03T08:00:00.000Z', via: 'توقف' },
      { msisdn: stopped, changedAt: '2026-11-01T09:00:00.000Z', via: 'STOP' },
    ]);
    expect(all.body.nextCursor).toBeNull();

    const first = await get<Page>('/v1/opt-outs?limit=1');
    expect(first.body.optOuts).toHaveLength(1);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await get<Page>(`/v1/opt-outs?limit=1&cursor=${first.body.nextCursor}`);
    expect(second.body.optOuts[0]!.msisdn).not.toBe(first.body.optOuts[0]!.msisdn);
  });

  it('pages through numbers that changed in the same microsecond without skipping or repeating one', async () => {
    // Written in one statement, as a bulk import would: every row has the same changed_at, with microseconds.
    await db.pool.query(
      `INSERT INTO opt_outs (msisdn, opted_out, changed_at, via)
       SELECT '+96393350' || lpad(i::text, 4, '0'), true, timestamptz '2026-11-20T10:00:00.123456Z', 'operator' FROM generate_series(1, 7) AS i`,
    );
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: Page } = await get<Page>(`/v1/opt-outs?limit=2${cursor === null ? '' : `&cursor=${cursor}`}`);
      expect(page.status).toBe(200);
      seen.push(...page.body.optOuts.map((o) => o.msisdn));
      cursor = page.body.nextCursor;
    } while (cursor !== null);
    const { rows } = await db.pool.query<{ msisdn: string }>('SELECT msisdn FROM opt_outs WHERE opted_out ORDER BY changed_at DESC, msisdn DESC');
    expect(seen).toEqual(rows.map((r) => r.msisdn));
  });

  it.each([['limit=0'], ['limit=500'], ['cursor=%%%'], ['cursor=bm9wZQ']])('refuses %s with 400 invalid_request', async (query) => {
    const res = await get(`/v1/opt-outs?${query}`);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_request');
  });

  it('is for operators only: a portal client is 403, an unsigned request 401', async () => {
    expect((await get('/v1/opt-outs', 'portal')).status).toBe(403);
    expect((await get(`/v1/opt-outs?msisdn=${encodeURIComponent(stopped)}`, 'portal')).status).toBe(403);
    expect((await get('/v1/opt-outs', 'unsigned')).status).toBe(401);
  });
});
