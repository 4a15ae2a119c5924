import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { EventEnvelope } from '@gateway/contracts';
import type { Kafka, Producer, ProducerBatch } from 'kafkajs';
import pg from 'pg';
import type { PoolClient } from 'pg';
import { anEvent, createTestDatabase, createTestKafka, testKafka, testLogger, waitFor, watchTopic } from '@gateway/testkit';
import type { TestDatabase } from '@gateway/testkit';
import { withTransaction } from '../src/db/index.ts';
import { createOutboxRelay, enqueueEvent, eventHeaders, outboxChannel } from '../src/outbox/index.ts';
import type { OutboxRelay, OutboxRelayOptions } from '../src/outbox/index.ts';

// The relay at volume: big claims (one send, one marking statement), cut to what Kafka takes, woken
// by every commit even while a batch is in flight, and per-key order kept through a failed send.
const logger = testLogger();
const kafka = testKafka();
const tk = createTestKafka(kafka);
let db: TestDatabase;
const relays: OutboxRelay[] = [];

/** What the relay's producers were asked to send, and a way to hold or fail a send (the real broker does the rest). */
interface SendSpy {
  kafka: Kafka;
  sends: ProducerBatch[];
  /** Runs before each send reaches the broker; it may wait, or throw to fail the send. */
  beforeSend: (batch: ProducerBatch, n: number) => Promise<void>;
}

function spyOnSends(): SendSpy {
  const spy: SendSpy = {
    kafka: undefined as unknown as Kafka,
    sends: [],
    beforeSend: () => Promise.resolve(),
  };
  const wrapProducer = (producer: Producer): Producer =>
    new Proxy(producer, {
      get(target, prop, receiver) {
        if (prop !== 'sendBatch') return Reflect.get(target, prop, receiver) as unknown;
        return async (batch: ProducerBatch) => {
          spy.sends.push(batch);
          await spy.beforeSend(batch, spy.sends.length);
          return target.sendBatch(batch);
        };
      },
    });
  spy.kafka = new Proxy(kafka, {
    get(target, prop) {
      if (prop === 'producer') return (config: Parameters<Kafka['producer']>[0]) => wrapProducer(target.producer(config));
      const value = Reflect.get(target, prop) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  return spy;
}

const messagesIn = (batch: ProducerBatch) => (batch.topicMessages ?? []).reduce((n, t) => n + t.messages.length, 0);

function relay(options: Partial<OutboxRelayOptions> = {}): OutboxRelay {
  const r = createOutboxRelay({ pool: db.pool, kafka, logger, backoff: { initialMs: 50, maxMs: 500 }, ...options });
  relays.push(r);
  return r;
}

async function enqueue(event: EventEnvelope, topic: string): Promise<void> {
  await withTransaction(db.pool, (client) => enqueueEvent(client, event, topic));
}

/** Outbox ids by event id: the order the relay must keep within each key. */
async function outboxIds(topic: string): Promise<Map<string, number>> {
  const { rows } = await db.pool.query<{ event_id: string; id: number }>('SELECT event_id, id FROM outbox WHERE topic = $1', [topic]);
  return new Map(rows.map((r) => [r.event_id, r.id]));
}

/** Per key, the outbox ids in the order Kafka has them (first sight of each event). */
function orderPerKey(seen: readonly { key: string | null; event?: EventEnvelope }[], ids: Map<string, number>): Map<string, number[]> {
  const first = new Set<string>();
  const order = new Map<string, number[]>();
  for (const m of seen) {
    const eventId = m.event?.eventId ?? '';
    if (first.has(eventId)) continue;
    first.add(eventId);
    order.set(m.key ?? '', [...(order.get(m.key ?? '') ?? []), ids.get(eventId) ?? -1]);
  }
  return order;
}

function expectIdOrder(order: Map<string, number[]>): void {
  for (const [key, list] of order) expect({ key, list }).toEqual({ key, list: [...list].sort((a, b) => a - b) });
}

beforeAll(async () => {
  db = await createTestDatabase();
});

afterAll(async () => {
  await Promise.all(relays.map((r) => r.stop()));
  await tk.close();
  await db?.drop();
});

describe('outbox relay batching', () => {
  it('publishes a backlog of 1,000 rows over two topics in one send, marked published in one statement', async () => {
    const [topicA, topicB] = await Promise.all([tk.createTopic('outbox-batch-a', 3), tk.createTopic('outbox-batch-b', 3)]);
    const watcherA = await watchTopic(topicA);
    const watcherB = await watchTopic(topicB);
    await withTransaction(db.pool, async (client) => {
      for (let i = 0; i < 1_000; i++) await enqueueEvent(client, anEvent('bill.overdue', { key: `acct-${i % 50}` }), i % 2 === 0 ? topicA : topicB);
    });

    // Every statement the relay sends, seen on the connections it takes from the pool.
    const statements: string[] = [];
    const spied = new WeakSet<PoolClient>();
    db.pool.on('acquire', (client: PoolClient) => {
      if (spied.has(client)) return;
      spied.add(client);
      const query = client.query.bind(client) as (...args: unknown[]) => unknown;
      (client as { query: unknown }).query = (...args: unknown[]) => {
        if (typeof args[0] === 'string') statements.push(args[0]);
        return query(...args);
      };
    });
    const spy = spyOnSends();
    // The relay's own batch size (its byte limit raised: 1,000 of these are 1.3 MB, in six partitions).
    expect(await relay({ kafka: spy.kafka, maxBatchBytes: 10_000_000 }).flush()).toBe(0);

    expect(spy.sends.map(messagesIn)).toEqual([1_000]);
    expect(spy.sends[0]?.topicMessages?.map((t) => t.topic).sort()).toEqual([topicA, topicB].sort());
    expect(statements.filter((sql) => /^\s*UPDATE outbox\b/.test(sql))).toHaveLength(1);
    const { rows } = await db.pool.query<{ published: number; marks: number; attempts: number }>(
      `SELECT count(*) FILTER (WHERE published_at IS NOT NULL)::int AS published, count(DISTINCT published_at)::int AS marks, max(attempts)::int AS attempts
       FROM outbox WHERE topic IN ($1, $2)`,
      [topicA, topicB],
    );
    expect(rows[0]).toEqual({ published: 1_000, marks: 1, attempts: 1 });
    await watcherA.waitForCount(500, () => true, 30_000);
    await watcherB.waitForCount(500, () => true, 30_000);
    await Promise.all([watcherA.stop(), watcherB.stop()]);
  });

  it('cuts a claim to maxBatchBytes, so a backlog bigger than Kafka takes in one request goes in several, in order, none refused', async () => {
    // One partition: the whole claim would be one record batch, above the broker's 1 MB limit.
    const topic = await tk.createTopic('outbox-bytes', 1);
    const watcher = await watchTopic(topic);
    const events = Array.from({ length: 1_000 }, (_, i) => anEvent('payment.completed', { key: `acct-${i % 10}` }));
    // Padded past what the contract allows (as a row written by an older producer could be): 2 KB each.
    for (let i = 0; i < events.length; i += 100) {
      const chunk = events.slice(i, i + 100);
      await db.pool.query(
        `INSERT INTO outbox (event_id, topic, key, payload, headers)
         SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::jsonb[], $5::jsonb[])`,
        [
          chunk.map((e) => e.eventId),
          chunk.map(() => topic),
          chunk.map((e) => e.key),
          chunk.map((e) => JSON.stringify({ ...e, padding: 'x'.repeat(2_000) })),
          chunk.map((e) => JSON.stringify(eventHeaders(e))),
        ],
      );
    }
    const spy = spyOnSends();
    const maxBatchBytes = 500_000;
    expect(await relay({ kafka: spy.kafka, maxBatchBytes }).flush()).toBe(0);

    // Several sends, none refused: every row published on its first attempt.
    expect(spy.sends.length).toBeGreaterThanOrEqual(5);
    for (const batch of spy.sends) {
      const bytes = (batch.topicMessages ?? []).flatMap((t) => t.messages).reduce((n, m) => n + Buffer.byteLength(String(m.value)), 0);
      expect(bytes).toBeLessThanOrEqual(maxBatchBytes);
    }
    expect(spy.sends.reduce((n, b) => n + messagesIn(b), 0)).toBe(1_000);
    const { rows } = await db.pool.query<{ published: number; attempts: number }>(
      'SELECT count(*) FILTER (WHERE published_at IS NOT NULL)::int AS published, max(attempts)::int AS attempts FROM outbox WHERE topic = $1',
      [topic],
    );
    expect(rows[0]).toEqual({ published: 1_000, attempts: 1 });
    await watcher.waitForCount(1_000, () => true, 30_000);
    // One partition: Kafka holds them in exactly the outbox's id order.
    const ids = await outboxIds(topic);
    const seen = watcher.messages.map((m) => ids.get(m.event?.eventId ?? ''));
    expect(seen).toEqual([...ids.values()].sort((a, b) => a - b));
    await watcher.stop();
  });

  it('is woken by a commit made while its batch was in flight, although the poll interval is a minute', async () => {
    const topic = await tk.createTopic('outbox-wake-in-flight');
    const watcher = await watchTopic(topic);
    const spy = spyOnSends();
    let entered: () => void = () => undefined;
    const sendEntered = new Promise<void>((resolve) => (entered = resolve));
    let open: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (open = resolve));
    spy.beforeSend = async () => {
      entered();
      await gate;
    };

    const startedAt = Date.now();
    const r = relay({ kafka: spy.kafka, pollIntervalMs: 60_000 });
    r.start();
    // The relay LISTENs before its first claim; from then on a commit wakes it.
    await waitFor(
      async () => (await db.pool.query(`SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND query = $1`, [`LISTEN ${outboxChannel}`])).rowCount === 1,
      { message: 'the relay listening' },
    );
    // The test's own LISTEN (opened after the relay's, which the wait above counts on being alone)
    // sees the NOTIFY of the second commit; the relay's listener gets it alike.
    const listener = new pg.Client({ connectionString: db.url });
    await listener.connect();
    await listener.query(`LISTEN ${outboxChannel}`);
    let notifications = 0;
    listener.on('notification', () => notifications++);
    const first = anEvent('bill.overdue');
    const second = anEvent('bill.overdue');
    try {
      await enqueue(first, topic);
      await sendEntered;
      // The first batch is now held inside its send; the second event commits meanwhile.
      const before = notifications;
      await enqueue(second, topic);
      await waitFor(() => notifications > before, { message: "the second commit's NOTIFY" });
      // A moment for the relay's listener to take it too, while the send is still held.
      await new Promise((resolve) => setTimeout(resolve, 200));
    } finally {
      // Also on a failure above: this relay must not keep the next test's rows in a held send.
      open();
    }

    await watcher.expectEvent((e) => e.eventId === second.eventId, 30_000);
    // Published before the poll interval could have run out once: the NOTIFY woke it.
    expect(Date.now() - startedAt).toBeLessThan(60_000);
    expect(watcher.messages.map((m) => m.event?.eventId)).toEqual([first.eventId, second.eventId]);
    await listener.end();
    await Promise.all([r.stop(), watcher.stop()]);
  });

  it('keeps per-key order and publishes every row once when a send fails in the middle of the stream', async () => {
    const topic = await tk.createTopic('outbox-order-failure', 3);
    const watcher = await watchTopic(topic);
    const spy = spyOnSends();
    // The third send fails before it reaches the broker, as on a connection lost; the relay retries it.
    spy.beforeSend = (_batch, n) => (n === 3 ? Promise.reject(Object.assign(new Error('Connection error: injected'), { name: 'KafkaJSConnectionError', retriable: true })) : Promise.resolve());
    const r = relay({ kafka: spy.kafka, batchSize: 200, pollIntervalMs: 100 });
    r.start();

    // 2,000 events over 40 keys, from 8 writers committing at once while the relay runs. Each key has
    // one writer, as an aggregate's events are written under its row lock in the services: two
    // transactions writing one key at once would commit in either order, and no relay can publish a
    // row before it is committed.
    const events = Array.from({ length: 2_000 }, (_, i) => anEvent('bill.issued', { key: `acct-${i % 40}` }));
    await Promise.all(
      Array.from({ length: 8 }, async (_, writer) => {
        const own = events.filter((e) => Number(e.key.slice('acct-'.length)) % 8 === writer);
        for (let i = 0; i < own.length; i += 5) {
          await withTransaction(db.pool, async (client) => {
            for (const e of own.slice(i, i + 5)) await enqueueEvent(client, e, topic);
          });
        }
      }),
    );
    await waitFor(async () => (await r.pendingCount()) === 0, { timeoutMs: 30_000, message: 'outbox drained' });
    await watcher.waitForCount(2_000, () => true, 30_000);
    // Time for a duplicate to show up before counting.
    await new Promise((resolve) => setTimeout(resolve, 1_000));

    const failed = spy.sends[2];
    expect(failed && messagesIn(failed)).toBeGreaterThan(0);
    const seen = watcher.messages.map((m) => m.event?.eventId);
    expect(seen).toHaveLength(2_000);
    expect(new Set(seen)).toEqual(new Set(events.map((e) => e.eventId)));
    expectIdOrder(orderPerKey(watcher.messages, await outboxIds(topic)));
    // The failed batch's rows carry their failed attempt; everything else went the first time.
    const { rows } = await db.pool.query<{ attempts: number; n: number }>(
      'SELECT attempts, count(*)::int AS n FROM outbox WHERE topic = $1 AND published_at IS NOT NULL GROUP BY attempts ORDER BY attempts',
      [topic],
    );
    expect(rows.map((row) => row.attempts)).toEqual([1, 2]);
    expect(rows.reduce((n, row) => n + row.n, 0)).toBe(2_000);
    await Promise.all([r.stop(), watcher.stop()]);
  });
});
