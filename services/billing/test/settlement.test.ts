import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AnyEvent, EventOf } from '@gateway/contracts';
import { money } from '@gateway/contracts';
import { withTransaction } from '@gateway/kit';
import type { EventConsumer } from '@gateway/kit';
import { anEvent, createTestDatabase, createTestKafka, testKafka, testLogger, uniqueName, waitFor } from '@gateway/testkit';
import type { TestDatabase } from '@gateway/testkit';
import { v7 as uuidv7 } from 'uuid';
import { assessBill } from '../src/domain/amount-due.ts';
import { defaultLateFeePolicy } from '../src/domain/late-fee-policy.ts';
import { createSettlementConsumer } from '../src/events/settlement.consumer.ts';
import { applyLateFeesToBill } from '../src/flows/apply-late-fees.flow.ts';
import { paymentEntriesOf } from '../src/store/pg-late-fee-store.ts';
import { billingMigrationsDir, billRow, insertBill, outboxEvents } from './support/bill-fixtures.ts';
import type { BillFixture } from './support/bill-fixtures.ts';
import { settlementBatches } from './support/settlement-harness.ts';

const logger = testLogger('settlement');
const tk = createTestKafka(testKafka());
// Before the default due date (2026-05-31): a reopened bill is open again, not overdue.
const now = new Date('2026-05-20T09:15:00Z');
let db: TestDatabase;
let topic: string;
let consumer: EventConsumer | undefined;

const syp = (amount: number) => ({ amount, currency: 'SYP' as const });

function payment(bills: { bill: BillFixture | { billId: string; accountNo: string }; amount: number }[], accountNo?: string): EventOf<'payment.completed'> {
  const total = bills.reduce((s, b) => s + b.amount, 0);
  return anEvent('payment.completed', {
    payload: {
      paymentId: `pay_${uuidv7()}`,
      channelTxnId: uniqueName('txn'),
      accountNo: accountNo ?? bills[0]!.bill.accountNo,
      amount: syp(total),
      allocations: bills.map((b) => ({ billId: b.bill.billId, externalBillId: 'STE-X', amount: syp(b.amount) })),
    },
  });
}

function reversalOf(paid: EventOf<'payment.completed'>): EventOf<'payment.reversed'> {
  return anEvent('payment.reversed', {
    payload: {
      ...paid.payload,
      reversalId: `rev_${uuidv7()}`,
      reason: 'Customer debited twice at the bank',
      reversedAt: '2026-05-20T11:00:00.000Z',
      reversalBusinessDate: '2026-05-20',
    },
  });
}

async function count(sql: string, params: unknown[]): Promise<number> {
  const { rows } = await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM (${sql}) x`, params);
  return rows[0]?.n ?? -1;
}

beforeAll(async () => {
  db = await createTestDatabase({ migrationsDir: billingMigrationsDir });
  topic = await tk.createTopic('payments', 1);
  consumer = createSettlementConsumer({
    kafka: testKafka(),
    pool: db.pool,
    logger,
    policy: defaultLateFeePolicy,
    clock: () => now,
    topic,
    groupId: uniqueName('billing-settlement'),
    consumerOptions: { sessionTimeoutMs: 6_000, heartbeatIntervalMs: 300 },
  });
  await consumer.start();
  await consumer.joined();
});

afterAll(async () => {
  await consumer?.stop();
  await tk.close();
  await db?.drop();
});

async function deliver(events: { key: string; eventId: string }[], copies = 1): Promise<void> {
  const messages = events.flatMap((e) => Array.from({ length: copies }, () => ({ key: e.key, value: JSON.stringify(e) })));
  await tk.produce(topic, messages);
}

// One partition, so once a marker sent after `events` is applied, every earlier delivery was handled.
async function deliverAndDrain(events: { key: string; eventId: string }[], copies: number): Promise<void> {
  const marker = await insertBill(db.pool, { amount: 100 });
  const markerPayment = payment([{ bill: marker, amount: 100 }]);
  await deliver(events, copies);
  await deliver([markerPayment]);
  await waitFor(async () => (await billRow(db.pool, marker.billId)).status === 'paid', { timeoutMs: 30_000, message: 'marker payment applied' });
}

describe('settlement through Kafka', () => {
  it('settles a bill once when its payment event is delivered three times, and emits bill.settled once', async () => {
    const bill = await insertBill(db.pool);
    const paid = payment([{ bill, amount: 150_000 }]);
    await deliverAndDrain([paid], 3);

    expect(await billRow(db.pool, bill.billId)).toEqual({ status: 'paid', paid_amount: 150_000, late_fee: 0, revision: 2 });
    expect(await count('SELECT 1 FROM bill_payments WHERE bill_id = $1', [bill.billId])).toBe(1);
    expect(await count('SELECT 1 FROM inbox WHERE event_id = $1', [paid.eventId])).toBe(1);
    const settled = (await outboxEvents(db.pool, 'bill.settled')).filter((e) => e.payload.billId === bill.billId);
    expect(settled).toHaveLength(1);
    expect(settled[0]!.key).toBe(bill.accountNo);
    expect(settled[0]!.payload).toMatchObject({
      status: 'paid',
      amountDue: syp(0),
      paidAmount: syp(150_000),
      paymentIds: [paid.payload.paymentId],
      restoreService: false,
      revision: 2,
    });
  });

  it('reopens the bill on a reversal (delivered twice): status back, bill.reopened once, both history rows kept', async () => {
    const bill = await insertBill(db.pool);
    const paid = payment([{ bill, amount: 150_000 }]);
    await deliverAndDrain([paid], 1);
    const reversed = reversalOf(paid);
    await deliverAndDrain([reversed], 2);

    expect(await billRow(db.pool, bill.billId)).toEqual({ status: 'open', paid_amount: 0, late_fee: 0, revision: 3 });
    const { rows } = await db.pool.query<{ kind: string; amount: number; reversal_id: string | null }>(
      'SELECT kind, amount, reversal_id FROM bill_payments WHERE bill_id = $1 ORDER BY kind',
      [bill.billId],
    );
    expect(rows).toEqual([
      { kind: 'payment', amount: 150_000, reversal_id: null },
      { kind: 'reversal', amount: 150_000, reversal_id: reversed.payload.reversalId },
    ]);
    const reopened = (await outboxEvents(db.pool, 'bill.reopened')).filter((e) => e.payload.billId === bill.billId);
    expect(reopened).toHaveLength(1);
    expect(reopened[0]!.payload).toMatchObject({
      status: 'open',
      amountDue: syp(150_000),
      paymentId: paid.payload.paymentId,
      reversalId: reversed.payload.reversalId,
    });
    const history = await db.pool.query<{ revision: number; status: string; cause: string }>(
      'SELECT revision, status, cause FROM bill_history WHERE bill_id = $1 ORDER BY revision',
      [bill.billId],
    );
    expect(history.rows).toEqual([
      { revision: 2, status: 'paid', cause: 'payment' },
      { revision: 3, status: 'open', cause: 'reversal' },
    ]);
  });
});

// An inquiry quoted 150 000 before the first late fee (7 500 from 2026-05-16 on a bill due 2026-04-15);
// orchestration honoured the quote and told billing it waived the fee.
describe('a payment that waived a late fee (an inquiry quote honoured across the fee)', () => {
  // Each event alone in its batch, as when they arrive one by one.
  const settle = (event: AnyEvent) => settlementBatches(db.pool, { logger, policy: defaultLateFeePolicy, clock: () => now })(event);

  async function overdueBillWithFee(): Promise<BillFixture> {
    const bill = await insertBill(db.pool, { dueDate: '2026-04-15', status: 'overdue' });
    await withTransaction(db.pool, (client) => applyLateFeesToBill(client, bill.billId, { policy: defaultLateFeePolicy, businessDate: '2026-05-20', now, correlationId: 'test' }));
    expect(await billRow(db.pool, bill.billId)).toMatchObject({ status: 'overdue', late_fee: 7_500 });
    return bill;
  }

  function quotedPayment(bill: BillFixture): EventOf<'payment.completed'> {
    const paid = payment([{ bill, amount: 150_000 }]);
    return { ...paid, payload: { ...paid.payload, allocations: paid.payload.allocations.map((a) => ({ ...a, waivedLateFee: money(7_500, 'SYP') })) } };
  }

  /** What the pure amountDue makes of the stored history: must be what the stored state owes. */
  async function computedDue(bill: BillFixture): Promise<number> {
    const client = await db.pool.connect();
    try {
      const entries = await paymentEntriesOf(client, bill.billId);
      return assessBill({ amount: money(bill.amount, 'SYP'), dueDate: bill.dueDate, holderClass: bill.holderClass }, entries, defaultLateFeePolicy, now).amountDue.amount;
    } finally {
      client.release();
    }
  }

  it('settles the bill, restores the line and emits bill.settled once even when delivered three times', async () => {
    const bill = await overdueBillWithFee();
    const paid = quotedPayment(bill);
    await deliverAndDrain([paid], 3);

    expect(await billRow(db.pool, bill.billId)).toEqual({ status: 'paid', paid_amount: 150_000, late_fee: 0, revision: 3 });
    const { rows } = await db.pool.query<{ applied_amount: number; waived_late_fee: number; applied_waiver: number }>(
      'SELECT applied_amount, waived_late_fee, applied_waiver FROM bill_payments WHERE bill_id = $1',
      [bill.billId],
    );
    expect(rows).toEqual([{ applied_amount: 150_000, waived_late_fee: 7_500, applied_waiver: 7_500 }]);
    expect(await computedDue(bill)).toBe(0);
    const settled = (await outboxEvents(db.pool, 'bill.settled')).filter((e) => e.payload.billId === bill.billId);
    expect(settled).toHaveLength(1);
    expect(settled[0]!.payload).toMatchObject({
      status: 'paid',
      amountDue: syp(0),
      lateFee: syp(0),
      paidAmount: syp(150_000),
      paymentIds: [paid.payload.paymentId],
      restoreService: true,
    });
    // The waiver is in the bill's history: the payment's revision shows the fee gone.
    const history = await db.pool.query<{ status: string; late_fee: number; cause: string }>(
      `SELECT status, late_fee, cause FROM bill_history WHERE bill_id = $1 AND cause = 'payment'`,
      [bill.billId],
    );
    expect(history.rows).toEqual([{ status: 'paid', late_fee: 0, cause: 'payment' }]);
  });

  it('owes the waived fee again when the payment is reversed (the reversal applied once)', async () => {
    const bill = await overdueBillWithFee();
    const paid = quotedPayment(bill);
    await settle(paid);
    const reversed = reversalOf(paid);
    await settle(reversed);
    await settle(reversed);
    await settle(anEvent('payment.reversed', { payload: reversed.payload }));

    expect(await billRow(db.pool, bill.billId)).toEqual({ status: 'overdue', paid_amount: 0, late_fee: 7_500, revision: 4 });
    expect(await computedDue(bill)).toBe(157_500);
    const reopened = (await outboxEvents(db.pool, 'bill.reopened')).filter((e) => e.payload.billId === bill.billId);
    expect(reopened).toHaveLength(1);
    expect(reopened[0]!.payload).toMatchObject({ status: 'overdue', lateFee: syp(7_500), amountDue: syp(157_500), reversalId: reversed.payload.reversalId });
  });

  it('forgives no more than the fee still owed, and nothing of a bill the money alone did not pay', async () => {
    const bill = await overdueBillWithFee();
    const paid = payment([{ bill, amount: 100_000 }]);
    // A waiver on a payment that leaves more than the fee owed forgives the fee only.
    await settle({ ...paid, payload: { ...paid.payload, allocations: paid.payload.allocations.map((a) => ({ ...a, waivedLateFee: money(20_000, 'SYP') })) } });
    expect(await billRow(db.pool, bill.billId)).toMatchObject({ status: 'overdue', paid_amount: 100_000, late_fee: 0 });
    expect(await computedDue(bill)).toBe(50_000);
  });
});

describe('settlement rules (handler on the real database)', () => {
  // Each event alone in its batch, as when they arrive one by one.
  const settle = (event: AnyEvent) => settlementBatches(db.pool, { logger, policy: defaultLateFeePolicy, clock: () => now })(event);

  it('records an unknown bill and an over-payment as unapplied without failing the event', async () => {
    const bill = await insertBill(db.pool);
    const ghost = { billId: `bil_${uuidv7()}`, accountNo: bill.accountNo };
    const paid = payment([
      { bill, amount: 200_000 },
      { bill: ghost, amount: 1_000 },
    ]);
    await settle(paid);

    expect(await billRow(db.pool, bill.billId)).toMatchObject({ status: 'paid', paid_amount: 150_000 });
    const { rows } = await db.pool.query<{ bill_id: string; reason: string; amount: number }>(
      'SELECT bill_id, reason, amount FROM billing_unapplied_payments WHERE payment_id = $1 ORDER BY reason',
      [paid.payload.paymentId],
    );
    expect(rows).toEqual([
      { bill_id: bill.billId, reason: 'overpayment', amount: 50_000 },
      { bill_id: ghost.billId, reason: 'unknown_bill', amount: 1_000 },
    ]);
    // The reversal of that payment gives back the unapplied money too: the rows are resolved, not lost.
    await settle(reversalOf(paid));
    expect(await count('SELECT 1 FROM billing_unapplied_payments WHERE payment_id = $1 AND resolved_at IS NULL', [paid.payload.paymentId])).toBe(0);
    expect(await billRow(db.pool, bill.billId)).toMatchObject({ status: 'open', paid_amount: 0 });
  });

  it('applies partial payments without an event, then settles with every payment id', async () => {
    const bill = await insertBill(db.pool, { holderClass: 'business' });
    const first = payment([{ bill, amount: 50_000 }]);
    await settle(first);
    expect(await billRow(db.pool, bill.billId)).toMatchObject({ status: 'partially_paid', paid_amount: 50_000 });
    expect((await outboxEvents(db.pool)).filter((e) => e.payload.billId === bill.billId)).toEqual([]);

    const second = payment([{ bill, amount: 100_000 }]);
    await settle(second);
    const settled = (await outboxEvents(db.pool, 'bill.settled')).filter((e) => e.payload.billId === bill.billId);
    expect(settled.map((e) => e.payload['paymentIds'])).toEqual([[first.payload.paymentId, second.payload.paymentId]]);
  });

  it('does not apply the same payment twice when it comes back under a new event id', async () => {
    const bill = await insertBill(db.pool, { holderClass: 'business' });
    const first = payment([{ bill, amount: 50_000 }]);
    await settle(first);
    const again = anEvent('payment.completed', { payload: first.payload });
    expect(again.eventId).not.toBe(first.eventId);
    await settle(again);
    expect(await billRow(db.pool, bill.billId)).toMatchObject({ paid_amount: 50_000, revision: 2 });
  });

  it('asks for the line to be restored when an overdue bill is settled', async () => {
    const bill = await insertBill(db.pool, { dueDate: '2026-04-30', status: 'overdue' });
    await settle(payment([{ bill, amount: 150_000 }]));
    const settled = (await outboxEvents(db.pool, 'bill.settled')).filter((e) => e.payload.billId === bill.billId);
    expect(settled[0]?.payload).toMatchObject({ restoreService: true, status: 'paid' });
  });

  describe('a payment arriving after its own reversal', () => {
    async function unappliedRows(paymentId: string) {
      const { rows } = await db.pool.query<{ kind: string; reason: string; amount: number; resolved: boolean }>(
        'SELECT kind, reason, amount, resolved_at IS NOT NULL AS resolved FROM billing_unapplied_payments WHERE payment_id = $1 ORDER BY kind',
        [paymentId],
      );
      return rows;
    }

    it('is not applied when the reversal came first (the payment was dead-lettered, then replayed)', async () => {
      const bill = await insertBill(db.pool);
      const paid = payment([{ bill, amount: 150_000 }]);
      await settle(reversalOf(paid));
      // The reversal found nothing to undo: recorded for operators, and the bill untouched.
      expect(await unappliedRows(paid.payload.paymentId)).toEqual([{ kind: 'reversal', reason: 'reversal_without_payment', amount: 150_000, resolved: false }]);

      await settle(paid);
      await settle(anEvent('payment.completed', { payload: paid.payload }));
      expect(await billRow(db.pool, bill.billId)).toEqual({ status: 'open', paid_amount: 0, late_fee: 0, revision: 1 });
      expect(await count('SELECT 1 FROM bill_payments WHERE bill_id = $1', [bill.billId])).toBe(0);
      expect((await outboxEvents(db.pool)).filter((e) => e.payload.billId === bill.billId)).toEqual([]);
      // Both halves are answered: the payment came, late, and was not applied.
      expect(await unappliedRows(paid.payload.paymentId)).toEqual([
        { kind: 'payment', reason: 'already_reversed', amount: 150_000, resolved: true },
        { kind: 'reversal', reason: 'reversal_without_payment', amount: 150_000, resolved: true },
      ]);
    });

    it('applies the other allocations of the same payment that were not reversed', async () => {
      const reversedBill = await insertBill(db.pool);
      const otherBill = await insertBill(db.pool, { accountNo: reversedBill.accountNo });
      const paid = payment([
        { bill: reversedBill, amount: 150_000 },
        { bill: otherBill, amount: 150_000 },
      ]);
      const reversed = reversalOf(paid);
      await settle({ ...reversed, payload: { ...reversed.payload, allocations: [paid.payload.allocations[0]!] } });
      await settle(paid);
      expect(await billRow(db.pool, reversedBill.billId)).toMatchObject({ status: 'open', paid_amount: 0 });
      expect(await billRow(db.pool, otherBill.billId)).toMatchObject({ status: 'paid', paid_amount: 150_000 });
    });

    it('is not applied again when it comes back after its reversal (payment, reversal, payment)', async () => {
      const bill = await insertBill(db.pool);
      const paid = payment([{ bill, amount: 150_000 }]);
      await settle(paid);
      await settle(reversalOf(paid));
      await settle(anEvent('payment.completed', { payload: paid.payload }));
      expect(await billRow(db.pool, bill.billId)).toEqual({ status: 'open', paid_amount: 0, late_fee: 0, revision: 3 });
      expect((await outboxEvents(db.pool, 'bill.settled')).filter((e) => e.payload.billId === bill.billId)).toHaveLength(1);
    });

    it('is not applied to a bill imported after the payment sat unapplied and was reversed', async () => {
      const accountBill = await insertBill(db.pool);
      const ghost = { billId: `bil_${uuidv7()}`, accountNo: accountBill.accountNo };
      const paid = payment([{ bill: ghost, amount: 150_000 }]);
      await settle(paid);
      await settle(reversalOf(paid));
      // Both rows resolved: the money went back to the payer with the reversal.
      expect(await count('SELECT 1 FROM billing_unapplied_payments WHERE payment_id = $1 AND resolved_at IS NULL', [paid.payload.paymentId])).toBe(0);
      await insertBill(db.pool, { billId: ghost.billId, accountNo: ghost.accountNo });
      await settle(anEvent('payment.completed', { payload: paid.payload }));
      expect(await billRow(db.pool, ghost.billId)).toMatchObject({ status: 'open', paid_amount: 0, revision: 1 });
    });
  });

  it('reopens a bill past its due date as overdue', async () => {
    const bill = await insertBill(db.pool, { dueDate: '2026-05-10' });
    const paid = payment([{ bill, amount: 150_000 }]);
    await settle(paid);
    await settle(reversalOf(paid));
    expect(await billRow(db.pool, bill.billId)).toMatchObject({ status: 'overdue', paid_amount: 0 });
  });
});
