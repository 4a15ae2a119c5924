import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AnyEvent } from '@gateway/contracts';
import { anEvent, createTestDatabase, createTestKafka, testKafka, testLogger, uniqueName, waitFor, watchTopic } from '@gateway/testkit';
import type { TestDatabase } from '@gateway/testkit';
import { createBatchConsumer, dlqHeaders } from '../src/kafka/index.ts';
import type { BatchHandler, CreateBatchConsumerOptions, EventConsumer } from '../src/kafka/index.ts';

// The batch consumer over real Kafka and Postgres: each test's effect is a row per event in `effects`,
// written by the handler in the batch's transaction, so "exactly once" is a count in the database.
const logger = testLogger();
const kafka = testKafka();
const tk = createTestKafka(kafka);
let db: TestDatabase;
const running: EventConsumer[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  await db.pool.query('CREATE TABLE effects (seq bigserial PRIMARY KEY, inbox text NOT NULL, event_id uuid NOT NULL, key text)');
});

afterAll(async () => {
  await Promise.all(running.map((c) => c.stop().catch(() => undefined)));
  await tk.close();
  await db?.drop();
});

type Options = Omit<CreateBatchConsumerOptions, 'kafka' | 'logger' | 'pool' | 'handleBatch' | 'groupId' | 'inbox'> & { groupId?: string; inbox?: string };

/** A consumer whose effect is one `effects` row per event; `seen` records every batch the handler got. */
function consumer(options: Options, before: (messages: AnyEvent[]) => void = () => undefined): { c: EventConsumer; seen: AnyEvent[][]; inbox: string } {
  const seen: AnyEvent[][] = [];
  const inbox = options.inbox ?? uniqueName('inbox');
  const handleBatch: BatchHandler = async (client, messages) => {
    const events = messages.map((m) => m.event);
    seen.push(events);
    before(events);
    await client.query('INSERT INTO effects (inbox, event_id, key) SELECT $1, id, k FROM unnest($2::uuid[], $3::text[]) AS t(id, k)', [
      inbox,
      events.map((e) => e.eventId),
      events.map((e) => e.key),
    ]);
  };
  const c = createBatchConsumer({
    kafka,
    logger,
    pool: db.pool,
    inbox,
    groupId: uniqueName('group'),
    sessionTimeoutMs: 6_000,
    heartbeatIntervalMs: 300,
    rebalanceTimeoutMs: 10_000,
    handleBatch,
    ...options,
  });
  running.push(c);
  return { c, seen, inbox };
}

async function effectsOf(inbox: string): Promise<{ event_id: string; key: string }[]> {
  const { rows } = await db.pool.query<{ event_id: string; key: string }>('SELECT event_id, key FROM effects WHERE inbox = $1 ORDER BY seq', [inbox]);
  return rows;
}

async function committedOffsets(groupId: string, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [entry] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return (entry?.partitions ?? []).reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
  } finally {
    await admin.disconnect();
  }
}

function events(count: number, keys: number): AnyEvent[] {
  return Array.from({ length: count }, (_, i) => anEvent('payment.completed', { key: `acct-${i % keys}` }));
}

async function produce(topic: string, list: AnyEvent[]): Promise<void> {
  await tk.produce(
    topic,
    list.map((e) => ({ key: e.key, value: JSON.stringify(e) })),
  );
}

describe('createBatchConsumer', () => {
  it('applies a backlog in batches, once each, in per-key order, across partitions, and commits the offsets', async () => {
    const topic = await tk.createTopic('batch', 3);
    const sent = events(300, 10);
    await produce(topic, sent);
    const groupId = uniqueName('group');
    const { c, seen, inbox } = consumer({ groupId, topics: [topic], partitionsConsumedConcurrently: 3 });
    await c.start();

    await waitFor(async () => (await effectsOf(inbox)).length >= 300, { timeoutMs: 30_000, message: 'all 300 applied' });
    const applied = await effectsOf(inbox);
    expect(applied.map((r) => r.event_id).sort()).toEqual(sent.map((e) => e.eventId).sort());
    // A backlog is taken many messages to a transaction, not one.
    expect(Math.max(...seen.map((b) => b.length))).toBeGreaterThan(1);
    expect(seen.length).toBeLessThan(300);
    // Each key's events were applied in the order they were sent.
    for (let k = 0; k < 10; k++) {
      const key = `acct-${k}`;
      expect(applied.filter((r) => r.key === key).map((r) => r.event_id)).toEqual(sent.filter((e) => e.key === key).map((e) => e.eventId));
    }
    await waitFor(async () => (await committedOffsets(groupId, topic)) === 300, { timeoutMs: 20_000, message: 'offsets committed to the end' });
  });

  it('gives a duplicate in the same batch, and an event delivered again later, its effect once', async () => {
    const topic = await tk.createTopic('dupes');
    const [a, b] = events(2, 2) as [AnyEvent, AnyEvent];
    await produce(topic, [a, a, b, a]);
    const { c, seen, inbox } = consumer({ topics: [topic] });
    await c.start();
    await waitFor(async () => (await effectsOf(inbox)).length >= 2, { timeoutMs: 20_000, message: 'a and b applied' });
    await produce(topic, [b, a]);
    const marker = anEvent('payment.completed');
    await produce(topic, [marker]);
    await waitFor(async () => (await effectsOf(inbox)).length >= 3, { timeoutMs: 20_000, message: 'the marker applied' });
    expect((await effectsOf(inbox)).map((r) => r.event_id)).toEqual([a.eventId, b.eventId, marker.eventId]);
    expect(seen.flat().map((e) => e.eventId)).toEqual([a.eventId, b.eventId, marker.eventId]);
  });

  it('isolates a message that fails: the rest of its batch is applied, it is retried alone and dead-lettered', async () => {
    const topic = await tk.createTopic('poison');
    const dlq = await watchTopic(`${topic}.dlq`);
    const sent = events(40, 4);
    const poison = sent[17] as AnyEvent;
    await produce(topic, sent);
    const aloneAttempts: number[] = [];
    const { c, inbox } = consumer({ topics: [topic], maxAttempts: 3, backoff: { initialMs: 20 } }, (batch) => {
      if (!batch.some((e) => e.eventId === poison.eventId)) return;
      if (batch.length === 1) aloneAttempts.push(aloneAttempts.length + 1);
      throw new Error(`cannot apply ${poison.eventId}`);
    });
    await c.start();

    const dead = await dlq.expectMessage((m) => m.event?.eventId === poison.eventId, 30_000);
    await waitFor(async () => (await effectsOf(inbox)).length >= 39, { timeoutMs: 20_000, message: 'the 39 others applied' });
    expect((await effectsOf(inbox)).map((r) => r.event_id)).toEqual(sent.filter((e) => e !== poison).map((e) => e.eventId));
    expect(aloneAttempts).toEqual([1, 2, 3]);
    expect(dead.headers).toMatchObject({ [dlqHeaders.kind]: 'handler', [dlqHeaders.attempts]: '3', [dlqHeaders.originalOffset]: '17' });
    expect(dead.headers[dlqHeaders.reason]).toContain(`cannot apply ${poison.eventId}`);
    await dlq.stop();
  });

  it('after a crash between a batch transaction and its offset commit, the redelivered batch changes nothing', async () => {
    const topic = await tk.createTopic('crash', 2);
    const sent = events(120, 6);
    await produce(topic, sent);
    const groupId = uniqueName('group');
    const inbox = uniqueName('inbox');

    // The first member commits its transactions but never an offset: every commit fails, as when the
    // process dies right after COMMIT.
    const first = consumer({ groupId, inbox, topics: [topic], partitionsConsumedConcurrently: 2 });
    let refusedCommits = 0;
    first.c.consumer.commitOffsets = () => {
      refusedCommits++;
      return Promise.reject(new Error('process died before the offset commit'));
    };
    await first.c.start();
    await waitFor(async () => (await effectsOf(inbox)).length >= 120, { timeoutMs: 30_000, message: 'all applied by the first member' });
    await first.c.stop().catch(() => undefined);
    expect(refusedCommits).toBeGreaterThan(0);
    expect(await committedOffsets(groupId, topic)).toBe(0);

    // The replacement gets every message again, applies none of them twice, and commits the offsets.
    const second = consumer({ groupId, inbox, topics: [topic], partitionsConsumedConcurrently: 2 });
    await second.c.start();
    await waitFor(async () => (await committedOffsets(groupId, topic)) === 120, { timeoutMs: 30_000, message: 'the replacement to commit every offset' });
    expect(second.seen.flat()).toEqual([]);
    const applied = await effectsOf(inbox);
    expect(applied).toHaveLength(120);
    expect(new Set(applied.map((r) => r.event_id)).size).toBe(120);
  });
});
