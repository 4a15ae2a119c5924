// A channel's inquiry quote is honoured by billing even when payment orchestration's copy of the bill
// lags: the late fee lands in billing after the inquiry, orchestration has not heard of it (so it
// waives nothing), the channel pays the quoted amount, and billing, settling against the quote that
// payment.completed carries, forgives the fee and settles the bill. A fee billing applied BEFORE the
// quote is never forgiven, whatever orchestration's copy made of it.
//
// Both services' real code on real Postgres: orchestration's routes (harness) write payment.completed
// to their outbox; the test carries that event over real Kafka to billing's real settlement consumer.
// A bill due 2026-04-15 owes its first late fee (5 %, 7 500 of 150 000) from 2026-05-16.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { BillInquiryResponse, EventOf, PaymentNotificationResponse } from '@gateway/contracts';
import { withTransaction } from '@gateway/kit';
import type { EventConsumer } from '@gateway/kit';
import { anEvent, createTestDatabase, createTestKafka, testKafka, testLogger, uniqueName, waitFor } from '@gateway/testkit';
import type { TestDatabase } from '@gateway/testkit';
import { aLandline, aPayment, startHarness, syp } from '../../payment-orchestration/test/support/harness.ts';
import type { Harness } from '../../payment-orchestration/test/support/harness.ts';
import { defaultLateFeePolicy } from '../src/domain/late-fee-policy.ts';
import { createSettlementConsumer } from '../src/events/settlement.consumer.ts';
import { applyLateFeesToBill } from '../src/flows/apply-late-fees.flow.ts';
import { billingMigrationsDir, billRow, insertBill, outboxEvents } from './support/bill-fixtures.ts';
import type { BillFixture } from './support/bill-fixtures.ts';

const logger = testLogger('quote-settlement');
const tk = createTestKafka(testKafka());
const beforeQuote = '2026-05-20T08:59:00.000Z';
const quotedAt = '2026-05-20T09:00:00.000Z';
const afterQuote = '2026-05-20T09:01:00.000Z';
const paidAt = '2026-05-20T09:02:00.000Z';
let billing: TestDatabase;
let h: Harness;
let topic: string;
let consumer: EventConsumer | undefined;

beforeAll(async () => {
  [billing, h] = await Promise.all([createTestDatabase({ migrationsDir: billingMigrationsDir }), startHarness({ now: quotedAt })]);
  topic = await tk.createTopic('payments', 1);
  consumer = createSettlementConsumer({
    kafka: testKafka(),
    pool: billing.pool,
    logger,
    policy: defaultLateFeePolicy,
    clock: () => new Date('2026-05-20T09:05:00.000Z'),
    topic,
    groupId: uniqueName('billing-settlement'),
    consumerOptions: { sessionTimeoutMs: 6_000, heartbeatIntervalMs: 300 },
  });
  await consumer.start();
  await consumer.joined();
}, 60_000);

afterAll(async () => {
  await consumer?.stop();
  await tk.close();
  await h?.close();
  await billing?.drop();
});

/** One overdue bill of 150 000, known to billing and (without any fee) to orchestration's read model. */
async function anOverdueBill(): Promise<{ bill: BillFixture; snapshot: Awaited<ReturnType<Harness['issueBill']>> }> {
  const bill = await insertBill(billing.pool, { accountNo: aLandline(), dueDate: '2026-04-15', status: 'overdue' });
  const snapshot = await h.issueBill({ billId: bill.billId, accountNo: bill.accountNo, dueDate: '2026-04-15', status: 'overdue' });
  return { bill, snapshot };
}

/** The daily run in billing, at `at`: charges the 7 500 first step. */
async function billingAppliesLateFee(bill: BillFixture, at: string): Promise<void> {
  await withTransaction(billing.pool, (client) =>
    applyLateFeesToBill(client, bill.billId, { policy: defaultLateFeePolicy, businessDate: '2026-05-20', now: new Date(at), correlationId: 'test' }),
  );
  expect(await billRow(billing.pool, bill.billId)).toMatchObject({ late_fee: 7_500 });
}

async function inquire(snapshot: { accountNo: string }): Promise<BillInquiryResponse> {
  h.setNow(quotedAt);
  const res = await h.send<BillInquiryResponse>('GET', `/v1/bills?billerId=telecom&accountNo=${snapshot.accountNo}`);
  expect(res.status).toBe(200);
  return res.body;
}

/** The channel pays 150 000 against the inquiry; orchestration's payment.completed goes to billing over Kafka. */
async function payQuoted(snapshot: Awaited<ReturnType<Harness['issueBill']>>, inquiryRef: string): Promise<EventOf<'payment.completed'>> {
  h.setNow(paidAt);
  const paid = await h.send<PaymentNotificationResponse>('POST', '/v1/payments', { body: aPayment(snapshot, { amount: syp(150_000), inquiryRef, paidAt }) });
  expect(paid.status).toBe(201);
  const { rows } = await h.db.pool.query<{ payload: EventOf<'payment.completed'> }>(
    `SELECT payload FROM outbox WHERE payload->>'type' = 'payment.completed' AND payload->'payload'->>'paymentId' = $1`,
    [paid.body.paymentId],
  );
  const event = rows[0]!.payload;
  await tk.produce(topic, [{ key: event.key, value: JSON.stringify(event) }]);
  await waitFor(
    async () => (await billing.pool.query('SELECT 1 FROM bill_payments WHERE payment_id = $1', [paid.body.paymentId])).rowCount === 1,
    { timeoutMs: 30_000, message: 'the payment applied in billing' },
  );
  return event;
}

async function paymentRow(paymentId: string): Promise<Record<string, unknown>> {
  const { rows } = await billing.pool.query(
    `SELECT applied_amount, waived_late_fee, applied_waiver, quoted_at, quoted_amount_due FROM bill_payments WHERE payment_id = $1`,
    [paymentId],
  );
  return rows[0] as Record<string, unknown>;
}

const settledEvents = async (billId: string) => (await outboxEvents(billing.pool, 'bill.settled')).filter((e) => e.payload.billId === billId);

describe('a quote honoured across a late fee orchestration has not seen', () => {
  it('settles the bill with the fee waived when the channel pays the quoted amount within the inquiry TTL', async () => {
    const { bill, snapshot } = await anOverdueBill();
    const inquiry = await inquire(snapshot);
    expect(inquiry.bills).toEqual([expect.objectContaining({ billId: bill.billId, amountDue: syp(150_000) })]);

    // The fee lands in billing after the quote; bill.late-fee-applied has NOT reached orchestration.
    await billingAppliesLateFee(bill, afterQuote);
    const event = await payQuoted(snapshot, inquiry.inquiryRef);

    // Orchestration waived nothing (its copy has no fee), and says what was quoted.
    expect(event.payload.allocations).toEqual([
      { billId: bill.billId, externalBillId: snapshot.externalBillId, amount: syp(150_000), quote: { amountDue: syp(150_000), quotedAt } },
    ]);

    expect(await billRow(billing.pool, bill.billId)).toMatchObject({ status: 'paid', paid_amount: 150_000, late_fee: 0 });
    expect(await paymentRow(event.payload.paymentId)).toEqual({
      applied_amount: 150_000,
      waived_late_fee: 7_500,
      applied_waiver: 7_500,
      quoted_at: new Date(quotedAt),
      quoted_amount_due: 150_000,
    });
    const settled = await settledEvents(bill.billId);
    expect(settled).toHaveLength(1);
    expect(settled[0]!.payload).toMatchObject({ status: 'paid', amountDue: syp(0), lateFee: syp(0), paymentIds: [event.payload.paymentId], restoreService: true });

    // The waiver went with that payment: its reversal owes the fee again.
    h.setNow('2026-05-20T10:00:00.000Z');
    const reversal = await h.send('POST', `/v1/payments/${event.payload.paymentId}/reversals`, { body: { reason: 'customer disputed' } });
    expect(reversal.status).toBe(201);
    const { rows } = await h.db.pool.query<{ payload: EventOf<'payment.reversed'> }>(
      `SELECT payload FROM outbox WHERE payload->>'type' = 'payment.reversed' AND payload->'payload'->>'paymentId' = $1`,
      [event.payload.paymentId],
    );
    await tk.produce(topic, [{ key: rows[0]!.payload.key, value: JSON.stringify(rows[0]!.payload) }]);
    await waitFor(async () => (await billRow(billing.pool, bill.billId)).status !== 'paid', { timeoutMs: 30_000, message: 'the reversal applied in billing' });
    expect(await billRow(billing.pool, bill.billId)).toMatchObject({ status: 'overdue', paid_amount: 0, late_fee: 7_500 });
  });
});

describe('a fee billing applied before the quote is never forgiven', () => {
  it('applies the payment without a waiver when orchestration has still not seen the fee', async () => {
    const { bill, snapshot } = await anOverdueBill();
    await billingAppliesLateFee(bill, beforeQuote);
    const inquiry = await inquire(snapshot);
    const event = await payQuoted(snapshot, inquiry.inquiryRef);

    expect(await billRow(billing.pool, bill.billId)).toMatchObject({ status: 'overdue', paid_amount: 150_000, late_fee: 7_500 });
    expect(await paymentRow(event.payload.paymentId)).toMatchObject({ waived_late_fee: 0, applied_waiver: 0 });
    expect(await settledEvents(bill.billId)).toEqual([]);
  });

  it("ignores orchestration's waiver of it (its copy saw the fee only after the quote)", async () => {
    const { bill, snapshot } = await anOverdueBill();
    await billingAppliesLateFee(bill, beforeQuote);
    const inquiry = await inquire(snapshot);
    // Now orchestration hears of the fee: against the 150 000 quote it waives 7 500.
    await h.feed(
      anEvent('bill.late-fee-applied', {
        payload: {
          ...snapshot,
          lateFee: syp(7_500),
          amountDue: syp(157_500),
          minAmount: syp(157_500),
          maxAmount: syp(157_500),
          revision: snapshot.revision + 1,
          fee: { feeId: `fee-${bill.billId}`, step: 1, amount: syp(7_500), appliedOn: '2026-05-20', policy: 'ste-2026/individual/step-1' },
        },
      }),
    );
    const event = await payQuoted(snapshot, inquiry.inquiryRef);
    expect(event.payload.allocations[0]).toMatchObject({ waivedLateFee: syp(7_500), quote: { amountDue: syp(150_000), quotedAt } });

    expect(await billRow(billing.pool, bill.billId)).toMatchObject({ status: 'overdue', paid_amount: 150_000, late_fee: 7_500 });
    expect(await paymentRow(event.payload.paymentId)).toMatchObject({ waived_late_fee: 0, applied_waiver: 0 });
    expect(await settledEvents(bill.billId)).toEqual([]);
  });
});
