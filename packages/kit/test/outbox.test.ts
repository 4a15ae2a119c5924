import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Pool } from 'pg';
import { anEvent, createTestDatabase, createTestKafka, testKafka, testLogger, waitFor, watchTopic } from '@gateway/testkit';
import type { TestDatabase } from '@gateway/testkit';
import { createPool, withTransaction } from '../src/db/index.ts';
import { createOutboxRelay, enqueueEvent } from '../src/outbox/index.ts';
import type { OutboxRelay } from '../src/outbox/index.ts';

const logger = testLogger();
const kafka = testKafka();
const tk = createTestKafka(kafka);
let db: TestDatabase;
const relays: OutboxRelay[] = [];
const pools: Pool[] = [];

function relay(options: Partial<Parameters<typeof createOutboxRelay>[0]> = {}): OutboxRelay {
  const r = createOutboxRelay({ pool: db.pool, kafka, logger, pollIntervalMs: 100, backoff: { initialMs: 50, maxMs: 500 }, ...options });
  relays.push(r);
  return r;
}

beforeAll(async () => {
  db = await createTestDatabase();
});

afterAll(async () => {
  await Promise.all(relays.map((r) => r.stop()));
  await Promise.all(pools.map((p) => p.end()));
  await tk.close();
  await db?.drop();
});

describe('outbox', () => {
  it('never publishes a row written in a rolled-back transaction', async () => {
    const topic = await tk.createTopic('outbox-rollback');
    const watcher = await watchTopic(topic);
    const rolledBack = anEvent('payment.completed');
    const committed = anEvent('payment.completed');
    await expect(
      withTransaction(db.pool, async (client) => {
        await enqueueEvent(client, rolledBack, topic);
        throw new Error('allocation failed');
      }),
    ).rejects.toThrow('allocation failed');
    await withTransaction(db.pool, (client) => enqueueEvent(client, committed, topic));

    const r = relay();
    r.start();
    // The committed one, enqueued after, arrives: the relay has passed the rolled-back one's place.
    const published = await watcher.expectEvent((e) => e.eventId === committed.eventId, 20_000);
    expect(published.key).toBe(committed.key);
    expect(await r.flush()).toBe(0);
    await new Promise((r) => setTimeout(r, 300));
    expect(watcher.messages.map((m) => m.event?.eventId)).toEqual([committed.eventId]);
    expect((await db.pool.query('SELECT 1 FROM outbox WHERE event_id = $1', [rolledBack.eventId])).rowCount).toBe(0);
    await r.stop();
    await watcher.stop();
  });

  it('publishes each committed row exactly once with two relays (two pools) running at once, in order per key', async () => {
    const topic = await tk.createTopic('outbox-two-relays', 3);
    const watcher = await watchTopic(topic);
    const poolB = createPool({ connectionString: db.url, max: 4, logger });
    pools.push(poolB);
    const a = relay({ batchSize: 25 });
    const b = relay({ pool: poolB, batchSize: 25 });
    a.start();
    b.start();

    // 500 events over 20 keys, enqueued in 50 transactions while both relays are already polling.
    const events = Array.from({ length: 500 }, (_, i) => anEvent('bill.issued', { key: `acct-${i % 20}`, correlationId: String(i) }));
    for (let i = 0; i < events.length; i += 10) {
      await withTransaction(db.pool, async (client) => {
        for (const e of events.slice(i, i + 10)) await enqueueEvent(client, e, topic);
      });
    }
    await waitFor(async () => (await a.pendingCount()) === 0, { timeoutMs: 30_000, message: 'outbox drained' });
    await watcher.waitForCount(500, () => true, 30_000);
    // Give any duplicate time to show up before counting.
    await new Promise((r) => setTimeout(r, 1_000));

    const ids = watcher.messages.map((m) => m.event?.eventId);
    expect(ids).toHaveLength(500);
    expect(new Set(ids).size).toBe(500);
    expect(new Set(ids)).toEqual(new Set(events.map((e) => e.eventId)));
    const orderPerKey = new Map<string, number[]>();
    for (const m of watcher.messages) {
      const e = m.event;
      if (e) orderPerKey.set(e.key, [...(orderPerKey.get(e.key) ?? []), Number(e.correlationId)]);
    }
    for (const [key, order] of orderPerKey) expect({ key, order }).toEqual({ key, order: [...order].sort((x, y) => x - y) });

    const { rows } = await db.pool.query<{ unpublished: number; attempts: number }>(
      `SELECT count(*) FILTER (WHERE published_at IS NULL)::int AS unpublished, max(attempts)::int AS attempts FROM outbox WHERE topic = $1`,
      [topic],
    );
    expect(rows[0]).toEqual({ unpublished: 0, attempts: 1 });
    await Promise.all([a.stop(), b.stop(), watcher.stop()]);
  });

  it('publishes the envelope as the value, keyed by the aggregate, with type and id headers', async () => {
    const topic = await tk.createTopic('outbox-shape');
    const watcher = await watchTopic(topic);
    const event = anEvent('bill.settled');
    await withTransaction(db.pool, (client) => enqueueEvent(client, event, topic));
    expect(await relay().flush()).toBe(0);
    const seen = await watcher.expectMessage((m) => m.event?.eventId === event.eventId, 20_000);
    expect(seen.key).toBe(event.key);
    expect(JSON.parse(seen.value ?? '')).toEqual(JSON.parse(JSON.stringify(event)));
    expect(seen.headers).toMatchObject({ 'event-id': event.eventId, 'event-type': 'bill.settled', 'event-version': '1', 'correlation-id': event.correlationId });
    await watcher.stop();
  });

  it('refuses to enqueue an event that breaks its contract, failing the business transaction', async () => {
    const bad = { ...anEvent('payment.completed'), payload: { nonsense: true } };
    await expect(withTransaction(db.pool, (client) => enqueueEvent(client, bad, 'whatever'))).rejects.toThrow(/payment\.completed/);
    expect((await db.pool.query('SELECT 1 FROM outbox WHERE event_id = $1', [bad.eventId])).rowCount).toBe(0);
  });

  it('defaults the topic to the catalogue topic of the event type', async () => {
    const event = anEvent('payment.completed');
    await withTransaction(db.pool, (client) => enqueueEvent(client, event));
    const { rows } = await db.pool.query<{ topic: string }>('SELECT topic FROM outbox WHERE event_id = $1', [event.eventId]);
    expect(rows[0]?.topic).toBe('payments.payments');
    // Not published here: the contract topics are not created in this test run.
    await db.pool.query('DELETE FROM outbox WHERE event_id = $1', [event.eventId]);
  });

  it('wakes on NOTIFY: publishes at once although the poll interval is a minute', async () => {
    const topic = await tk.createTopic('outbox-notify');
    const watcher = await watchTopic(topic);
    const started = Date.now();
    const r = relay({ pollIntervalMs: 60_000 });
    r.start();
    // Let the relay do its first (empty) round and go to sleep.
    await new Promise((r) => setTimeout(r, 500));
    const event = anEvent('bill.overdue');
    await withTransaction(db.pool, (client) => enqueueEvent(client, event, topic));
    await watcher.expectEvent((e) => e.eventId === event.eventId, 30_000);
    // Before its poll interval could have run out once: the NOTIFY sent after the commit woke it.
    expect(Date.now() - started).toBeLessThan(60_000);
    await r.stop();
    await watcher.stop();
  });

  it('stop() waits for the batch in flight and leaves nothing half-done', async () => {
    const topic = await tk.createTopic('outbox-stop');
    const events = Array.from({ length: 40 }, () => anEvent('bill.issued'));
    await withTransaction(db.pool, async (client) => {
      for (const e of events) await enqueueEvent(client, e, topic);
    });
    const r = relay({ batchSize: 10 });
    r.start();
    await new Promise((r) => setTimeout(r, 20));
    await r.stop();
    const { rows } = await db.pool.query<{ published: number }>(
      'SELECT count(*) FILTER (WHERE published_at IS NOT NULL)::int AS published FROM outbox WHERE topic = $1',
      [topic],
    );
    // Whatever was claimed was published and marked as a whole batch.
    expect((rows[0]?.published ?? -1) % 10).toBe(0);
    expect(await r.flush()).toBe(0);
    expect(await r.pendingCount()).toBe(0);
  });
});
