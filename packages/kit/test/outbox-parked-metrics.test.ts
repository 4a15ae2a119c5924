import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { anEvent, createTestDatabase, testKafka, uniqueName, waitFor } from '@gateway/testkit';
import type { TestDatabase } from '@gateway/testkit';
import { ensureTopics } from '../src/kafka/index.ts';
import { createOutboxRelay, eventHeaders, listParkedOutbox } from '../src/outbox/index.ts';
import type { OutboxRelay } from '../src/outbox/index.ts';

// An event Kafka refuses for good is never parked silently (issue 10, item 8): /metrics shows the
// parked rows by topic and by the broker's reason, and the log says it at error with the key of
// the aggregate (an account's bills) whose later events now wait.
const kafka = testKafka();
let db: TestDatabase;
let relay: OutboxRelay | undefined;
const logLines: Record<string, unknown>[] = [];
const logger = pino({ level: 'info' }, { write: (line: string) => void logLines.push(JSON.parse(line) as Record<string, unknown>) });

beforeAll(async () => {
  db = await createTestDatabase();
});

afterAll(async () => {
  await relay?.stop();
  await db?.drop();
});

describe('a parked outbox row is visible', () => {
  it('on /metrics by topic and reason, and in the log at error with its key', async () => {
    const topic = uniqueName('outbox-parked-metrics');
    await ensureTopics(kafka, [{ topic, numPartitions: 1 }]);
    const big = anEvent('bill.issued', { key: '0112345678' });
    // Above the broker's default message.max.bytes (1 MB).
    const payload = { ...big, payload: { ...big.payload, note: 'x'.repeat(1_200_000) } };
    await db.pool.query('INSERT INTO outbox (event_id, topic, key, payload, headers) VALUES ($1, $2, $3, $4, $5)', [
      big.eventId,
      topic,
      big.key,
      JSON.stringify(payload),
      JSON.stringify(eventHeaders(big)),
    ]);

    const registry = new Registry();
    relay = createOutboxRelay({ pool: db.pool, kafka, logger, registry, pollIntervalMs: 100, backoff: { initialMs: 50, maxMs: 500 } });
    relay.start();
    await waitFor(async () => (await listParkedOutbox(db.pool)).find((p) => p.eventId === big.eventId), { timeoutMs: 20_000, message: 'the big row parked' });

    const metrics = await registry.metrics();
    expect(metrics).toContain(`outbox_parked_rows{topic="${topic}",reason="MESSAGE_TOO_LARGE"} 1`);

    const parkedLog = logLines.find((l) => l['level'] === 50 && l['eventId'] === big.eventId);
    expect(parkedLog).toMatchObject({ type: 'bill.issued', topic, key: '0112345678' });
    expect(String(parkedLog?.['msg'])).toContain('0112345678');

    // Gone from the gauge once nothing is parked any more (an operator deleted or replayed it).
    await db.pool.query('DELETE FROM outbox WHERE event_id = $1', [big.eventId]);
    expect(await registry.metrics()).not.toContain(`outbox_parked_rows{topic="${topic}"`);
  }, 60_000);
});
