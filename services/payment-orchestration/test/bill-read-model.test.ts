// The payable-bills read model fed by its real consumer (kit's batch consumer, real Kafka and Postgres):
// a partition's bill.* events are applied a batch to a transaction and one upsert, and must leave the
// read model exactly as applying them one at a time does (revision guard, external closure, duplicates),
// and a message that cannot be applied must not hold back the rest of its batch (issue 12).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AnyEvent, BillSnapshot } from '@gateway/contracts';
import { dlqHeaders } from '@gateway/kit';
import type { EventConsumer } from '@gateway/kit';
import { anEvent, createTestDatabase, createTestKafka, testKafka, testLogger, uniqueName, waitFor, watchTopic } from '@gateway/testkit';
import type { TestDatabase } from '@gateway/testkit';
import { billReadModelInbox, createBillReadModelConsumer } from '../src/events/bill-read-model.consumer.ts';
import { aBillIssued, billFeeder, migrationsDir, syp } from './support/harness.ts';
import type { BillEvent } from './support/harness.ts';

const logger = testLogger('bill-read-model');
const tk = createTestKafka(testKafka());
let batched: TestDatabase;
let oneByOne: TestDatabase;
const consumers: EventConsumer[] = [];

beforeAll(async () => {
  [batched, oneByOne] = await Promise.all([createTestDatabase({ migrationsDir }), createTestDatabase({ migrationsDir })]);
});
afterAll(async () => {
  await Promise.all(consumers.map((c) => c.stop()));
  await tk.close();
  await batched?.drop();
  await oneByOne?.drop();
});

async function startConsumer(topic: string, options: { maxAttempts?: number } = {}): Promise<void> {
  const consumer = createBillReadModelConsumer({
    kafka: tk.kafka,
    pool: batched.pool,
    logger,
    topic,
    groupId: uniqueName('payments.bill-read-model'),
    consumerOptions: { sessionTimeoutMs: 6_000, heartbeatIntervalMs: 300, backoff: { initialMs: 20 }, ...options },
  });
  consumers.push(consumer);
  await consumer.start();
}

/** Produced in one send, so the consumer finds them all in its partition's first fetch. */
async function produce(topic: string, events: readonly AnyEvent[]): Promise<void> {
  await tk.produce(
    topic,
    events.map((e) => ({ key: e.key, value: JSON.stringify(e) })),
  );
}

type Row = Record<string, unknown>;

async function readModel(db: TestDatabase, billIds: readonly string[]): Promise<Row[]> {
  const { rows } = await db.pool.query<Row>('SELECT * FROM payable_bills WHERE bill_id = ANY($1::text[]) ORDER BY bill_id', [billIds]);
  // updated_at is when the row was written, the one column that cannot match.
  return rows.map(({ updated_at: _updatedAt, ...row }) => row);
}

const t0 = '2026-02-10T09:00:00.000Z';
const snapshotOf = (event: BillEvent): BillSnapshot => {
  const { lines: _lines, ...snapshot } = event.payload as BillSnapshot & { lines?: unknown };
  return snapshot;
};
const settled = (bill: BillSnapshot, revision: number, paymentId: string) =>
  anEvent('bill.settled', { payload: { ...bill, paidAmount: bill.amount, amountDue: syp(0), status: 'paid', revision, settledAt: t0, paymentIds: [paymentId], restoreService: false } });
const reopened = (bill: BillSnapshot, revision: number, paymentId: string) =>
  anEvent('bill.reopened', { payload: { ...bill, paidAmount: syp(0), amountDue: bill.amount, status: 'open', revision, reopenedAt: t0, paymentId, reversalId: uniqueName('rev'), reason: 'cash bounced' } });
const overdue = (bill: BillSnapshot, revision: number) => anEvent('bill.overdue', { payload: { ...bill, status: 'overdue', revision } });
const lateFee = (bill: BillSnapshot, revision: number) =>
  anEvent('bill.late-fee-applied', { payload: { ...bill, lateFee: syp(5_000), amountDue: syp(bill.amount.amount + 5_000), revision } });

describe('bill read model consumer', () => {
  it('applies a batch with several events of one bill (and a duplicate) to the same state as one event at a time', async () => {
    const topic = await tk.createTopic('bills', 1);
    const x = aBillIssued();
    const xBill = snapshotOf(x);
    const xSettled = settled(xBill, 3, 'counter-cash-x');
    const yNew = aBillIssued({ revision: 2 });
    const yBill = snapshotOf(yNew);
    const z = aBillIssued();
    const w = aBillIssued();
    // X: issued, fee, settled by a payment we do not know (closed), that same event again, reopened (open).
    // Y: a newer snapshot before an older one (ignored), then settled by cash (closed). Z: issued only.
    // W: issued, overdue.
    const first: BillEvent[] = [
      x,
      yNew,
      lateFee(xBill, 2),
      anEvent('bill.issued', { payload: { ...yNew.payload, amount: syp(1), amountDue: syp(1), minAmount: syp(1), maxAmount: syp(1), revision: 1 } }),
      z,
      xSettled,
      w,
      xSettled,
      settled(yBill, 3, 'counter-cash-y'),
      overdue(snapshotOf(w), 2),
      reopened(xBill, 4, 'counter-cash-x'),
    ];
    // Against what the first batch stored: Y's stale fee is ignored and its overdue keeps it closed; Z is
    // closed by cash; X's overdue keeps it open.
    const second: BillEvent[] = [lateFee(yBill, 2), settled(snapshotOf(z), 2, 'counter-cash-z'), overdue(yBill, 4), overdue(xBill, 5)];
    const billIds = [x, yNew, z, w].map((e) => e.payload.billId);

    await startConsumer(topic);
    await produce(topic, first);
    const firstIds = [...new Set(first.map((e) => e.eventId))];
    await waitFor(async () => (await batched.pool.query('SELECT 1 FROM inbox WHERE consumer = $1 AND event_id = ANY($2::uuid[])', [billReadModelInbox, firstIds])).rowCount === firstIds.length, {
      timeoutMs: 20_000,
      message: 'the first batch applied',
    });
    // One transaction for the whole batch (one per event before issue 12).
    const { rows: tx } = await batched.pool.query<{ n: number }>('SELECT count(DISTINCT xmin::text)::int AS n FROM inbox WHERE consumer = $1 AND event_id = ANY($2::uuid[])', [
      billReadModelInbox,
      firstIds,
    ]);
    expect(tx[0]!.n).toBe(1);
    await produce(topic, second);
    const lastId = second.at(-1)!.eventId;
    await waitFor(async () => (await batched.pool.query('SELECT 1 FROM inbox WHERE consumer = $1 AND event_id = $2', [billReadModelInbox, lastId])).rowCount === 1, {
      timeoutMs: 20_000,
      message: 'the second batch applied',
    });

    const feed = billFeeder(oneByOne.pool, logger);
    for (const event of [...first, ...second]) await feed(event);

    const expected = await readModel(oneByOne, billIds);
    expect(Object.fromEntries(expected.map((r) => [r['bill_id'], [r['revision'], r['closed_externally']]]))).toEqual({
      [x.payload.billId]: [5, false],
      [yNew.payload.billId]: [4, true],
      [z.payload.billId]: [2, true],
      [w.payload.billId]: [2, false],
    });
    expect(await readModel(batched, billIds)).toEqual(expected);
  });

  it('isolates an event that fails in the handler: the rest of its batch is applied, it is dead-lettered after its attempts', async () => {
    const topic = await tk.createTopic('bills-poison', 1);
    const dlq = await watchTopic(`${topic}.dlq`);
    // A valid event the read model cannot store: its revision does not fit the column (int).
    const poison = aBillIssued({ revision: 3_000_000_000 });
    const before = [aBillIssued(), aBillIssued()];
    const after = [aBillIssued(), aBillIssued(), aBillIssued()];
    await startConsumer(topic, { maxAttempts: 2 });
    await produce(topic, [...before, poison, ...after]);

    const dead = await dlq.expectMessage((m) => m.event?.eventId === poison.eventId, 30_000);
    expect(dead.headers[dlqHeaders.kind]).toBe('handler');
    expect(dead.headers[dlqHeaders.attempts]).toBe('2');
    const others = [...before, ...after].map((e) => e.payload.billId);
    await waitFor(async () => (await readModel(batched, others)).length === others.length, { timeoutMs: 20_000, message: 'the others of the batch applied' });
    expect(await readModel(batched, [poison.payload.billId])).toEqual([]);
    await dlq.stop();
  });
});
