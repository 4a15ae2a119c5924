import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { anEvent, testLogger } from '@gateway/testkit';
import { withTransaction } from '../src/db/index.ts';
import { enqueueEvent } from '../src/outbox/index.ts';
import { operatorAndChannelClients, signedInject, startOutboxApp } from './support/signed-operator-app.ts';
import type { OutboxApp, SigningKey } from './support/signed-operator-app.ts';

// GET /v1/outbox/backlog, as every service mounts it (createHttpServer with its pool and auth): what
// the outbox still has to send. No relay runs here, so rows stay where the test puts them.
const { clients, operatorKey, channelKey } = operatorAndChannelClients();
const logger = testLogger();
let served: OutboxApp;

async function backlog(as: SigningKey | null = operatorKey) {
  const res = await signedInject(served.app, 'GET', '/v1/outbox/backlog', as);
  return { status: res.statusCode, body: res.json<Record<string, unknown>>() };
}

async function enqueue(count: number): Promise<string[]> {
  const events = Array.from({ length: count }, () => anEvent('payment.completed', { key: `acct-${randomUUID().slice(0, 8)}` }));
  await withTransaction(served.db.pool, async (client) => {
    for (const e of events) await enqueueEvent(client, e, 'payments.payments');
  });
  return events.map((e) => e.eventId);
}

beforeAll(async () => {
  served = await startOutboxApp({ service: 'kit-backlog-test', clients, logger });
}, 60_000);

afterAll(async () => {
  await served?.close();
});

describe('GET /v1/outbox/backlog', () => {
  it('is empty for an outbox with nothing to send', async () => {
    const res = await backlog();
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ unpublished: 0, oldestUnpublishedAt: null, parked: 0 });
  });

  it('counts the waiting rows from the oldest one, and the parked rows apart; published rows are not backlog', async () => {
    const [published, parked, waiting] = await enqueue(3);
    await served.db.pool.query(`UPDATE outbox SET created_at = '2026-01-02T03:04:05Z' WHERE event_id = $1`, [waiting]);
    await served.db.pool.query(`UPDATE outbox SET created_at = '2026-01-01T00:00:00Z', published_at = now() WHERE event_id = $1`, [published]);
    await served.db.pool.query(`UPDATE outbox SET created_at = '2025-12-31T00:00:00Z', parked_at = now(), attempts = 5 WHERE event_id = $1`, [parked]);
    const res = await backlog();
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ unpublished: 1, oldestUnpublishedAt: '2026-01-02T03:04:05.000Z', parked: 1 });
  });

  it('is for operators only', async () => {
    expect((await backlog(null)).status).toBe(401);
    expect((await backlog(channelKey)).body).toMatchObject({ error: { code: 'forbidden' } });
  });
});
