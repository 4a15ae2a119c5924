import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes, randomUUID } from 'node:crypto';
import { signRequest } from '@gateway/kit';
import type { ClientsFile, HttpServer } from '@gateway/kit';
import { testInfra, testLogger } from '@gateway/testkit';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { buildApp } from '../src/app.ts';
import { createChannelSwitchStore } from '../src/store/redis-channel-switch-store.ts';
import { startAdapterHarness } from './support/adapter-harness.ts';
import type { AdapterHarness } from './support/adapter-harness.ts';

let h: AdapterHarness;
let app: HttpServer;
let redis: Redis;
const run = randomUUID().slice(0, 8);
const HOST = '127.0.0.1:3003';
const clients: ClientsFile = [
  { clientId: `ops-${run}`, kind: 'operator', keys: [{ keyId: `ops-${run}`, secret: randomBytes(32).toString('base64') }] },
  { clientId: `portal-${run}`, kind: 'portal', keys: [{ keyId: `portal-${run}`, secret: randomBytes(32).toString('base64') }] },
];

async function send<T>(
  method: 'GET' | 'POST',
  path: string,
  as: 'ops' | 'portal' | 'unsigned' = 'ops',
  body?: unknown,
  extra: { signed?: Record<string, string>; unsigned?: Record<string, string> } = {},
): Promise<{ status: number; body: T }> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const headers: Record<string, string> = { host: HOST, ...extra.signed };
  if (payload !== undefined) headers['content-type'] = 'application/json';
  if (as !== 'unsigned') {
    const key = clients.find((c) => c.clientId === `${as}-${run}`)!.keys[0]!;
    Object.assign(headers, await signRequest({ method, url: `http://${HOST}${path}`, body: payload, keyId: key.keyId, secret: key.secret, headers }));
  }
  const res = await app.inject({ method, url: path, headers: { ...headers, ...extra.unsigned }, ...(payload === undefined ? {} : { payload }) });
  return { status: res.statusCode, body: res.json<T>() };
}

beforeAll(async () => {
  h = await startAdapterHarness();
  redis = new Redis(testInfra().redisUrl);
  const logger = testLogger('bank-adapter-api');
  const switches = createChannelSwitchStore(redis, `${run}:`);
  app = buildApp({
    logger,
    auth: { clients, redis, logger },
    readiness: [],
    registry: new Registry(),
    pool: h.db.pool,
    gateway: h.adapter.gateway,
    switches,
    resultsTopic: h.topics.results,
  });
  await app.ready();
});
afterAll(async () => {
  await app?.close();
  await redis?.quit();
  await h?.close();
});

type Channel = { channelId: string; state: string; available: boolean; forcedOff: { by: string } | null };

describe('operator API', () => {
  it('lists channels with their states, to operators only', async () => {
    const res = await send<{ channels: Channel[] }>('GET', '/v1/channels');
    expect(res.status).toBe(200);
    expect(res.body.channels.map((c) => c.channelId)).toEqual(['bank-alpha', 'wallet-one', 'wallet-two']);
    expect((await send('GET', '/v1/channels', 'portal')).status).toBe(403);
    expect((await send('GET', '/v1/channels', 'unsigned')).status).toBe(401);
  });

  it('forces a channel off (fail fast, no call), audited and announced, and back on', async () => {
    const off = await send<Channel>('POST', '/v1/channels/wallet-one/force-off', 'ops', { reason: 'maintenance window' });
    expect(off.status).toBe(200);
    expect(off.body).toMatchObject({ state: 'forced_off', available: false, forcedOff: { by: `ops-${run}` } });
    await h.results.expectEvent((e) => e.type === 'channel.health-changed' && e.payload.channelId === 'wallet-one' && e.payload.state === 'forced_off');

    const debit = await h.requestDebit('wallet-one');
    const failed = await h.result(debit, 'channel.debit-failed');
    expect(failed.payload).toMatchObject({ reason: 'channel_unavailable', moneyMoved: false });
    expect(h.simulators['wallet-one'].state.findByReference(debit.payload.reference)).toBeUndefined();

    const on = await send<Channel>('POST', '/v1/channels/wallet-one/force-on');
    expect(on.body).toMatchObject({ state: 'closed', available: true, forcedOff: null });
    await h.results.expectEvent((e) => e.type === 'channel.health-changed' && e.payload.channelId === 'wallet-one' && e.payload.state === 'closed' && e.payload.previousState === 'forced_off');

    const { rows } = await h.db.pool.query<{ actor: string; action: string }>("SELECT actor, action FROM audit_log WHERE target = 'wallet-one' ORDER BY id");
    expect(rows).toEqual([
      { actor: `ops-${run}`, action: 'channel.force-off' },
      { actor: `ops-${run}`, action: 'channel.force-on' },
    ]);
    await expect(h.db.pool.query('DELETE FROM audit_log')).rejects.toThrow(/append-only/);
    expect((await send('POST', '/v1/channels/wallet-one/force-off', 'portal', {})).status).toBe(403);
    expect((await send('POST', '/v1/channels/nope/force-off', 'ops', {})).status).toBe(404);
  });

  it('names the person an operator client acts for (signed x-operator-person) in the audit row and forcedOff.by', async () => {
    const person = { signed: { 'x-operator-person': 'alice' } };
    const off = await send<Channel>('POST', '/v1/channels/bank-alpha/force-off', 'ops', { reason: 'bank maintenance' }, person);
    expect(off.status).toBe(200);
    expect(off.body.forcedOff).toMatchObject({ by: `ops-${run}/alice` });
    const on = await send<Channel>('POST', '/v1/channels/bank-alpha/force-on', 'ops', { reason: 'bank back' }, person);
    expect(on.status).toBe(200);
    const { rows } = await h.db.pool.query<{ actor: string; action: string; reason: string }>("SELECT actor, action, detail->>'reason' AS reason FROM audit_log WHERE target = 'bank-alpha' ORDER BY id");
    expect(rows).toEqual([
      { actor: `ops-${run}/alice`, action: 'channel.force-off', reason: 'bank maintenance' },
      { actor: `ops-${run}/alice`, action: 'channel.force-on', reason: 'bank back' },
    ]);
    // The person is covered by the signature: swapped on the way, the request is refused and nothing changes.
    const swapped = await send('POST', '/v1/channels/bank-alpha/force-off', 'ops', { reason: 'x' }, { signed: { 'x-operator-person': 'alice' }, unsigned: { 'x-operator-person': 'mallory' } });
    expect(swapped.status).toBe(401);
    // Added without being signed: refused too.
    expect((await send('POST', '/v1/channels/bank-alpha/force-off', 'ops', { reason: 'x' }, { unsigned: { 'x-operator-person': 'mallory' } })).status).toBe(401);
    const after = await h.db.pool.query("SELECT 1 FROM audit_log WHERE target = 'bank-alpha'");
    expect(after.rowCount).toBe(2);
  });

  it('serves those audit rows to an operator client at GET /v1/audit-log (kit), newest first, with the person and the reason', async () => {
    const page = await send<{ entries: { actor: string; action: string; target: string; detail: { reason?: string } }[] }>(
      'GET',
      `/v1/audit-log?actor=${encodeURIComponent(`ops-${run}/alice`)}&limit=2`,
    );
    expect(page.status).toBe(200);
    expect(page.body.entries.map((e) => [e.actor, e.action, e.target, e.detail.reason])).toEqual([
      [`ops-${run}/alice`, 'channel.force-on', 'bank-alpha', 'bank back'],
      [`ops-${run}/alice`, 'channel.force-off', 'bank-alpha', 'bank maintenance'],
    ]);
    expect((await send('GET', '/v1/audit-log', 'portal')).status).toBe(403);
  });

  it('fetches a settlement file, stores it, and serves it', async () => {
    const debit = await h.requestDebit('bank-alpha');
    await h.result(debit, 'channel.debit-succeeded');
    const date = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Damascus' }).format(new Date());
    const fetched = await send<{ rowCount: number; sha256: string }>('POST', `/v1/settlement-files/bank-alpha/${date}`);
    expect(fetched.status).toBe(201);
    expect(fetched.body.rowCount).toBeGreaterThanOrEqual(1);
    const stored = await send<{ content: string; sha256: string }>('GET', `/v1/settlement-files/bank-alpha/${date}`);
    expect(stored.status).toBe(200);
    expect(stored.body.sha256).toBe(fetched.body.sha256);
    expect(stored.body.content).toContain(debit.payload.reference);
    // The same statement again: nothing stored, nothing announced.
    const again = await send<{ changed: boolean; sha256: string }>('POST', `/v1/settlement-files/bank-alpha/${date}`);
    expect(again).toMatchObject({ status: 200, body: { changed: false, sha256: fetched.body.sha256 } });
    expect((await send('GET', '/v1/settlement-files/bank-alpha/2020-01-01')).status).toBe(404);
  });
});
