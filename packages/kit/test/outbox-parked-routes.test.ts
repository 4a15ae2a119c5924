import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { anEvent, testLogger } from '@gateway/testkit';
import { withTransaction } from '../src/db/index.ts';
import { createHttpServer } from '../src/http/index.ts';
import { enqueueEvent } from '../src/outbox/index.ts';
import { operatorAndChannelClients, signedInject, startOutboxApp } from './support/signed-operator-app.ts';
import type { OutboxApp, SigningKey } from './support/signed-operator-app.ts';

// The operator routes over parked outbox rows, as every service mounts them (createHttpServer with
// its pool and auth). Rows are parked by hand here: how the relay parks them is outbox-poison.test.ts.
const { clients, operatorKey, channelKey } = operatorAndChannelClients();
const logger = testLogger();
let served: OutboxApp;

async function send(method: 'GET' | 'POST', path: string, options: { as?: SigningKey | null; idempotencyKey?: string } = {}) {
  const as = options.as === undefined ? operatorKey : options.as;
  const res = await signedInject(served.app, method, path, as, options.idempotencyKey === undefined ? {} : { 'idempotency-key': options.idempotencyKey });
  return { status: res.statusCode, body: res.json<Record<string, unknown>>(), headers: res.headers };
}

/** Enqueues events of one key; the first is parked as the relay would park it. */
async function parkedWithFollowers(followers: number): Promise<string[]> {
  const accountNo = `acct-${randomUUID().slice(0, 8)}`;
  const events = Array.from({ length: 1 + followers }, () => anEvent('payment.completed', { key: accountNo }));
  await withTransaction(served.db.pool, async (client) => {
    for (const e of events) await enqueueEvent(client, e, 'payments.payments');
  });
  await served.db.pool.query(
    `UPDATE outbox SET parked_at = now(), attempts = 5, last_error = 'KafkaJSProtocolError MESSAGE_TOO_LARGE: The request included a message larger than the max message size the server will accept'
     WHERE event_id = $1`,
    [events[0]?.eventId],
  );
  return events.map((e) => e.eventId);
}

beforeAll(async () => {
  served = await startOutboxApp({ service: 'kit-parked-test', clients, logger, auditLog: true });
}, 60_000);

afterAll(async () => {
  await served?.close();
});

describe('parked outbox routes', () => {
  it('list the parked events for an operator, with why and what waits behind each', async () => {
    const [parked] = await parkedWithFollowers(2);
    const res = await send('GET', '/v1/outbox/parked');
    expect(res.status).toBe(200);
    const listed = (res.body.parked as Record<string, unknown>[]).find((p) => p.eventId === parked);
    expect(listed).toMatchObject({ type: 'payment.completed', topic: 'payments.payments', attempts: 5, blockedBehind: 2 });
    expect(listed?.lastError).toMatch(/MESSAGE_TOO_LARGE/);
    expect(new Date(String(listed?.parkedAt)).getTime()).not.toBeNaN();
  });

  it('replay an event once per Idempotency-Key, audited, and answer 404 for an event not parked', async () => {
    const [parked, follower] = await parkedWithFollowers(1);
    const idempotencyKey = randomUUID();
    const first = await send('POST', `/v1/outbox/parked/${parked}/replay`, { idempotencyKey });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ eventId: parked, status: 'unparked' });
    const { rows } = await served.db.pool.query('SELECT parked_at, attempts FROM outbox WHERE event_id = $1', [parked]);
    expect(rows).toEqual([{ parked_at: null, attempts: 0 }]);

    const again = await send('POST', `/v1/outbox/parked/${parked}/replay`, { idempotencyKey });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(again.headers['idempotent-replayed']).toBe('true');
    const audit = await served.db.pool.query('SELECT actor, action FROM audit_log WHERE target = $1', [parked]);
    expect(audit.rows).toEqual([{ actor: 'ops-console', action: 'outbox.replay' }]);

    const notParked = await send('POST', `/v1/outbox/parked/${parked}/replay`, { idempotencyKey: randomUUID() });
    expect(notParked.status).toBe(404);
    expect(notParked.body).toMatchObject({ error: { code: 'not_found' } });
    expect((await send('POST', `/v1/outbox/parked/${follower}/replay`, { idempotencyKey: randomUUID() })).status).toBe(404);
    expect((await send('POST', `/v1/outbox/parked/${randomUUID()}/replay`, { idempotencyKey: randomUUID() })).status).toBe(404);
  });

  it('are for operators only, and a replay needs its Idempotency-Key and an event id', async () => {
    const [parked] = await parkedWithFollowers(0);
    expect((await send('GET', '/v1/outbox/parked', { as: null })).status).toBe(401);
    expect((await send('GET', '/v1/outbox/parked', { as: channelKey })).body).toMatchObject({ error: { code: 'forbidden' } });
    expect((await send('POST', `/v1/outbox/parked/${parked}/replay`, { as: channelKey, idempotencyKey: randomUUID() })).status).toBe(403);
    expect((await send('POST', `/v1/outbox/parked/${parked}/replay`)).status).toBe(400);
    expect((await send('POST', '/v1/outbox/parked/not-an-id/replay', { idempotencyKey: randomUUID() })).status).toBe(400);
    // Nothing was replayed by any of these.
    const { rows } = await served.db.pool.query('SELECT parked_at IS NOT NULL AS parked FROM outbox WHERE event_id = $1', [parked]);
    expect(rows).toEqual([{ parked: true }]);
  });

  it('are not mounted without the pool', async () => {
    const bare = createHttpServer({ service: 'kit-parked-test', version: '0', logger, auth: { clients, redis: served.redis, logger } });
    try {
      const res = await signedInject(bare, 'GET', '/v1/outbox/parked', operatorKey);
      expect(res.statusCode).toBe(404);
    } finally {
      await bare.close();
    }
  });
});
