import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Kafka } from 'kafkajs';
import { anEvent, createTestDatabase, startPrivateKafka, testLogger, uniqueName, waitFor, watchTopic } from '@gateway/testkit';
import type { PrivateKafka, TestDatabase } from '@gateway/testkit';
import { withTransaction } from '../src/db/index.ts';
import { checkKafka, createKafka, ensureTopics } from '../src/kafka/index.ts';
import { createOutboxRelay, enqueueEvent } from '../src/outbox/index.ts';
import type { OutboxRelay } from '../src/outbox/index.ts';

// Stops and restarts a real broker. It is a private one (same script, jars and config, own ports and
// data), because stopping the shared broker would break the test files running beside this one.
const logger = testLogger();
let broker: PrivateKafka | undefined;
let kafka: Kafka;
let db: TestDatabase;
let relay: OutboxRelay | undefined;

async function enqueueMany(count: number, topic: string): Promise<string[]> {
  const events = Array.from({ length: count }, (_, i) => anEvent('payment.completed', { key: `acct-${i % 7}` }));
  for (let i = 0; i < events.length; i += 10) {
    await withTransaction(db.pool, async (client) => {
      for (const e of events.slice(i, i + 10)) await enqueueEvent(client, e, topic);
    });
  }
  return events.map((e) => e.eventId);
}

beforeAll(async () => {
  [broker, db] = await Promise.all([startPrivateKafka(), createTestDatabase()]);
  kafka = createKafka({ brokers: broker.brokers, clientId: uniqueName('outage'), logger, sasl: broker.sasl });
}, 120_000);

afterAll(async () => {
  await relay?.stop();
  await broker?.destroy();
  await db?.drop();
}, 120_000);

describe('outbox relay and a broker outage', () => {
  it('keeps rows while the broker is down, records the failures, and publishes everything exactly once when it is back', async () => {
    const topic = uniqueName('outbox-outage');
    await ensureTopics(kafka, [{ topic, numPartitions: 3 }]);
    relay = createOutboxRelay({ pool: db.pool, kafka, logger, batchSize: 20, pollIntervalMs: 100, backoff: { initialMs: 100, maxMs: 2_000 } });
    relay.start();

    const before = await enqueueMany(30, topic);
    await waitFor(async () => (await relay?.pendingCount()) === 0, { timeoutMs: 20_000, message: 'first events published' });

    await broker?.down();
    const during = await enqueueMany(60, topic);
    // The relay tried, failed, and said why on the rows; nothing was marked published.
    await waitFor(
      async () => (await db.pool.query(`SELECT 1 FROM outbox WHERE published_at IS NULL AND attempts > 0 AND last_error IS NOT NULL LIMIT 1`)).rowCount === 1,
      { timeoutMs: 60_000, message: 'a failed attempt to be recorded' },
    );
    expect(await relay.pendingCount()).toBe(60);

    await broker?.up();
    await waitFor(() => checkKafka(kafka).then(() => true), { timeoutMs: 30_000, message: 'broker back' });
    await waitFor(async () => (await relay?.pendingCount()) === 0, { timeoutMs: 60_000, intervalMs: 250, message: 'outbox drained after the outage' });

    const watcher = await watchTopic(topic, { fromBeginning: true, kafka });
    await watcher.waitForCount(90, () => true, 30_000);
    // Time for any duplicate to arrive before counting.
    await new Promise((r) => setTimeout(r, 1_000));
    const ids = watcher.messages.map((m) => m.event?.eventId);
    await watcher.stop();
    expect(new Set(ids)).toEqual(new Set([...before, ...during]));
    // Nothing lost, and (thanks to replacing the producer after each failure) nothing twice either.
    expect(ids).toHaveLength(90);
  }, 120_000);
});
