// The event consumer by batches (issue 12): one partition's batch is one transaction, its duplicate
// deliveries and replays make no second SMS, and two events for one subscriber make exactly their two
// SMS; a payment parked for want of its bill while that bill's snapshot is being committed by another
// partition's batch is not left parked. Over real Kafka and Postgres (support/notification-harness.ts,
// its dispatcher stopped so the queued rows stay as they were written).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { withTransaction } from '@gateway/kit';
import type { EventConsumer } from '@gateway/kit';
import { createTestKafka, testKafka, testLogger, uniqueName, waitFor } from '@gateway/testkit';
import type { TestKafka } from '@gateway/testkit';
import { v7 as uuidv7 } from 'uuid';
import { createNotificationConsumer, notificationInbox } from '../src/events/notification.consumer.ts';
import { queueEventsSms } from '../src/flows/queue-event-sms.flow.ts';
import { billFor, paymentOf } from './support/bill-events.ts';
import { startHarness } from './support/notification-harness.ts';
import type { Harness } from './support/notification-harness.ts';

let h: Harness;
let tk: TestKafka;
let nextNumber = 700_000;
const aMobile = () => `+963947${String(nextNumber++).padStart(6, '0')}`;

beforeAll(async () => {
  h = await startHarness({ kafka: false });
  await h.dispatcher.stop();
  tk = createTestKafka(testKafka());
});

afterAll(async () => {
  await tk?.close();
  await h?.close();
});


const raw = (event: { key: string }) => ({ key: event.key, value: JSON.stringify(event) });

async function rowsTo(recipient: string): Promise<string[]> {
  const { rows } = await h.db.pool.query<{ dedupe_key: string }>('SELECT dedupe_key FROM sms_messages WHERE recipient = $1 ORDER BY dedupe_key', [recipient]);
  return rows.map((r) => r.dedupe_key);
}

describe('notification events by batches', () => {
  it('a batch with a duplicate delivery, a replay and two events for one subscriber queues exactly their SMS, one transaction per partition', async () => {
    const to = aMobile();
    const [billA, billB] = [billFor(to, 'en'), billFor(to, 'en')];
    const [paidA, paidB] = [paymentOf(billA), paymentOf(billB)];
    // The same payment re-published under a new event id (a replay from a DLQ): the same receipt.
    const replayA = { ...paidA, eventId: uuidv7() };
    const bills = await tk.createTopic('bills', 1);
    const payments = await tk.createTopic('payments', 1);
    const intents = await tk.createTopic('intents', 1);
    // Everything is on the topics before the consumer starts, so each partition's first fetch is one batch.
    await tk.produce(bills, [raw(billA), raw(billA), raw(billB)]);
    await tk.produce(payments, [raw(paidA), raw(paidB), raw(paidA), raw(replayA)]);

    let queued = 0;
    const consumer: EventConsumer = createNotificationConsumer({
      kafka: testKafka(),
      pool: h.db.pool,
      logger: testLogger('notification'),
      channelNames: { 'bank-one': { ar: 'بنك واحد', en: 'Bank One' } },
      maxEventAgeMs: 48 * 3_600_000,
      topics: [bills, payments, intents],
      groupId: uniqueName('notification'),
      onQueued: () => queued++,
      consumerOptions: { sessionTimeoutMs: 6_000, heartbeatIntervalMs: 300, partitionsConsumedConcurrently: 3 },
    });
    try {
      await consumer.start();
      await waitFor(async () => (await rowsTo(to)).length === 4, { timeoutMs: 30_000, message: 'four SMS queued' });
      const eventIds = [billA, billB, paidA, paidB, replayA].map((e) => e.eventId);
      await waitFor(async () => (await h.db.pool.query('SELECT 1 FROM inbox WHERE consumer = $1 AND event_id = ANY($2::uuid[])', [notificationInbox, eventIds])).rowCount === 5, {
        timeoutMs: 10_000,
        message: 'five events in the inbox',
      });
      expect(await rowsTo(to)).toEqual(
        [
          `bill_issued:${billA.payload.billId}:${to}`,
          `bill_issued:${billB.payload.billId}:${to}`,
          `payment_receipt:${paidA.payload.paymentId}:${to}`,
          `payment_receipt:${paidB.payload.paymentId}:${to}`,
        ].sort(),
      );
      expect((await h.db.pool.query('SELECT 1 FROM awaiting_contact WHERE event_id = ANY($1)', [eventIds])).rowCount).toBe(0);
      // One transaction per partition's batch: the inbox rows of a transaction share its now().
      const { rows } = await h.db.pool.query<{ n: number }>('SELECT count(DISTINCT processed_at)::int AS n FROM inbox WHERE consumer = $1 AND event_id = ANY($2::uuid[])', [
        notificationInbox,
        eventIds,
      ]);
      expect(rows[0]!.n).toBeLessThanOrEqual(2);
      expect(queued).toBeGreaterThanOrEqual(1);
    } finally {
      await consumer.stop();
    }
  });

  it("a payment whose bill another partition's batch is committing right now is queued, not left parked", async () => {
    const to = aMobile();
    const bill = billFor(to, 'en');
    const paid = paymentOf(bill);
    const ports = { logger: testLogger('notification'), channelNames: {}, maxEventAgeMs: 48 * 3_600_000, now: () => new Date() };
    const billBatch = await h.db.pool.connect();
    try {
      await billBatch.query('BEGIN');
      await queueEventsSms(billBatch, [bill], ports);
      // The payment's batch runs while the bill's is still open: it cannot see the bill yet.
      let paymentDone = false;
      const paymentBatch = withTransaction(h.db.pool, (client) => queueEventsSms(client, [paid], ports)).finally(() => (paymentDone = true));
      const waitingOnLock = async () =>
        (await h.db.pool.query(`SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`))
          .rowCount! > 0;
      await waitFor(async () => paymentDone || (await waitingOnLock()), { timeoutMs: 10_000, message: 'the payment batch parked or waiting' });
      await billBatch.query('COMMIT');
      expect(await paymentBatch).toEqual(new Map([['payment.completed', 1]]));
    } finally {
      billBatch.release();
    }
    expect(await rowsTo(to)).toEqual([`bill_issued:${bill.payload.billId}:${to}`, `payment_receipt:${paid.payload.paymentId}:${to}`].sort());
    expect((await h.db.pool.query('SELECT 1 FROM awaiting_contact WHERE event_id = $1', [paid.eventId])).rowCount).toBe(0);
  });
});
