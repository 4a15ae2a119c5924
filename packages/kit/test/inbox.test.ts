import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { anEvent, createTestDatabase, createTestKafka, testKafka, testLogger, uniqueName, waitFor } from '@gateway/testkit';
import type { TestDatabase } from '@gateway/testkit';
import { handleOnce } from '../src/inbox/index.ts';
import { createConsumer } from '../src/kafka/index.ts';
import type { EventConsumer } from '../src/kafka/index.ts';

const logger = testLogger();
let db: TestDatabase;
const tk = createTestKafka(testKafka());
let consumer: EventConsumer | undefined;

beforeAll(async () => {
  db = await createTestDatabase();
  await db.pool.query('CREATE TABLE settlements (id bigserial PRIMARY KEY, event_id uuid NOT NULL, amount bigint NOT NULL)');
});

afterAll(async () => {
  await consumer?.stop();
  await tk.close();
  await db?.drop();
});

async function settlementsOf(eventId: string): Promise<number> {
  const { rows } = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM settlements WHERE event_id = $1', [eventId]);
  return rows[0]?.n ?? -1;
}

describe('handleOnce', () => {
  it('gives a redelivered event (3 deliveries through Kafka) its effect once', async () => {
    const topic = await tk.createTopic('inbox');
    const event = anEvent('payment.completed');
    const outcomes: boolean[] = [];
    consumer = createConsumer({
      kafka: testKafka(),
      groupId: uniqueName('billing'),
      topics: [topic],
      logger,
      sessionTimeoutMs: 6_000,
      heartbeatIntervalMs: 300,
      handler: async (e) => {
        const result = await handleOnce(db.pool, 'billing.settle', e, async (client) => {
          await client.query('INSERT INTO settlements (event_id, amount) VALUES ($1, $2)', [e.eventId, 150000]);
        });
        outcomes.push(result.duplicate);
      },
    });
    await consumer.start();
    const value = JSON.stringify(event);
    await tk.produce(topic, [{ key: event.key, value }]);
    await tk.produce(topic, [{ key: event.key, value }]);
    await tk.produce(topic, [{ key: event.key, value }]);
    await waitFor(() => outcomes.length === 3, { timeoutMs: 20_000, message: 'three deliveries' });
    expect(outcomes).toEqual([false, true, true]);
    expect(await settlementsOf(event.eventId)).toBe(1);
  });

  it('serializes concurrent deliveries of one event: exactly one runs the effect', async () => {
    const event = anEvent('payment.completed');
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        handleOnce(db.pool, 'billing.settle', event, async (client) => {
          await client.query('INSERT INTO settlements (event_id, amount) VALUES ($1, 1)', [event.eventId]);
          await new Promise((r) => setTimeout(r, 50));
          return 'settled';
        }),
      ),
    );
    expect(results.filter((r) => !r.duplicate)).toEqual([{ duplicate: false, result: 'settled' }]);
    expect(await settlementsOf(event.eventId)).toBe(1);
  });

  it('records nothing when the effect fails, so the redelivery runs it', async () => {
    const event = anEvent('payment.completed');
    await expect(
      handleOnce(db.pool, 'billing.settle', event, async (client) => {
        await client.query('INSERT INTO settlements (event_id, amount) VALUES ($1, 1)', [event.eventId]);
        throw new Error('billing down');
      }),
    ).rejects.toThrow('billing down');
    expect(await settlementsOf(event.eventId)).toBe(0);
    const retry = await handleOnce(db.pool, 'billing.settle', event, async (client) => {
      await client.query('INSERT INTO settlements (event_id, amount) VALUES ($1, 1)', [event.eventId]);
    });
    expect(retry.duplicate).toBe(false);
    expect(await settlementsOf(event.eventId)).toBe(1);
  });

  it('keeps consumers apart: the same event is processed once by each consumer', async () => {
    const event = anEvent('payment.completed');
    const a = await handleOnce(db.pool, 'billing.settle', event, () => Promise.resolve('a'));
    const b = await handleOnce(db.pool, 'notification.receipt', event, () => Promise.resolve('b'));
    expect([a.duplicate, b.duplicate]).toEqual([false, false]);
  });
});
