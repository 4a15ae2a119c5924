// A batch of settlement events ends where the same events one at a time would. Two databases get the
// same bills; the same events are applied to one of them each in its own batch (as they arrive one by
// one) and to the other in one batch (as a busy partition hands them over), and every table settlement
// writes must then be the same in both. The events lean on each other: several payments of one bill
// (a partial, an over-payment that settles it, a payment re-sent under a new event id, the same
// delivery twice), reversals of payments made earlier in the batch, a reversal that comes before its
// payment, an unknown bill, and a payment against a quote honoured across a late fee.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AnyEvent, EventOf } from '@gateway/contracts';
import { money } from '@gateway/contracts';
import { withTransaction } from '@gateway/kit';
import { anEvent, createTestDatabase, createTestKafka, testKafka, testLogger, uniqueName, waitFor } from '@gateway/testkit';
import type { TestDatabase } from '@gateway/testkit';
import type { Pool } from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { defaultLateFeePolicy } from '../src/domain/late-fee-policy.ts';
import { createSettlementConsumer } from '../src/events/settlement.consumer.ts';
import { applyLateFeesToBill } from '../src/flows/apply-late-fees.flow.ts';
import { billingMigrationsDir, insertBill } from './support/bill-fixtures.ts';
import type { BillFixture } from './support/bill-fixtures.ts';
import { settlementBatches } from './support/settlement-harness.ts';

const logger = testLogger('settlement-batch');
const now = new Date('2026-05-20T09:15:00Z');
const syp = (amount: number) => money(amount, 'SYP');
let oneByOne: TestDatabase;
let batched: TestDatabase;

beforeAll(async () => {
  [oneByOne, batched] = await Promise.all([createTestDatabase({ migrationsDir: billingMigrationsDir }), createTestDatabase({ migrationsDir: billingMigrationsDir })]);
});

afterAll(async () => {
  await Promise.all([oneByOne?.drop(), batched?.drop()]);
});

type Bills = { a1: string; a2: string; c: string; overdue: string; ghost: string; accountA: string; accountC: string; accountO: string };

function someBills(): Bills {
  const n = String(uuidv7().replace(/\D/g, '')).slice(-6);
  return {
    a1: `bil_${uuidv7()}`,
    a2: `bil_${uuidv7()}`,
    c: `bil_${uuidv7()}`,
    overdue: `bil_${uuidv7()}`,
    ghost: `bil_${uuidv7()}`,
    accountA: `0111${n}`,
    accountC: `0112${n}`,
    accountO: `0113${n}`,
  };
}

/** The same bills in a database: two of one account, one of another, and an overdue one with its first late fee (7 500). */
async function insertBills(pool: Pool, b: Bills): Promise<void> {
  await insertBill(pool, { billId: b.a1, accountNo: b.accountA });
  await insertBill(pool, { billId: b.a2, accountNo: b.accountA });
  await insertBill(pool, { billId: b.c, accountNo: b.accountC, holderClass: 'business' });
  await insertBill(pool, { billId: b.overdue, accountNo: b.accountO, dueDate: '2026-04-15', status: 'overdue' });
  // The fixture makes up an external id per insert: the same one in both databases instead.
  await pool.query(`UPDATE bills SET external_bill_id = 'STE-' || bill_id WHERE bill_id = ANY($1)`, [[b.a1, b.a2, b.c, b.overdue]]);
  await withTransaction(pool, (client) => applyLateFeesToBill(client, b.overdue, { policy: defaultLateFeePolicy, businessDate: '2026-05-20', now, correlationId: 'test' }));
}

function payment(accountNo: string, paidAt: string, allocations: { billId: string; amount: number; quote?: { amountDue: number; quotedAt: string } }[]): EventOf<'payment.completed'> {
  return anEvent('payment.completed', {
    payload: {
      paymentId: `pay_${uuidv7()}`,
      accountNo,
      paidAt,
      amount: syp(allocations.reduce((s, a) => s + a.amount, 0)),
      allocations: allocations.map((a) => ({
        billId: a.billId,
        externalBillId: 'STE-X',
        amount: syp(a.amount),
        ...(a.quote ? { quote: { amountDue: syp(a.quote.amountDue), quotedAt: a.quote.quotedAt } } : {}),
      })),
    },
  });
}

function reversalOf(paid: EventOf<'payment.completed'>, reversedAt = '2026-05-20T09:10:00.000Z'): EventOf<'payment.reversed'> {
  return anEvent('payment.reversed', {
    payload: { ...paid.payload, reversalId: `rev_${uuidv7()}`, reason: 'Customer debited twice at the bank', reversedAt, reversalBusinessDate: '2026-05-20' },
  });
}

function mixedEvents(b: Bills): { events: AnyEvent[]; a1SettledBy: string[] } {
  const partial = payment(b.accountA, '2026-05-20T08:00:00.000Z', [{ billId: b.a1, amount: 50_000 }]);
  const twoBills = payment(b.accountA, '2026-05-20T08:30:00.000Z', [
    { billId: b.a1, amount: 60_000 },
    { billId: b.a2, amount: 150_000 },
  ]);
  // Paid (by the channel's clock) before twoBills, though it arrives after it: bill.settled lists it first.
  const overpaying = payment(b.accountA, '2026-05-20T08:10:00.000Z', [{ billId: b.a1, amount: 120_000 }]);
  const toGhostAndPaidBill = payment(b.accountA, '2026-05-20T08:40:00.000Z', [
    { billId: b.ghost, amount: 10_000 },
    { billId: b.a2, amount: 5_000 },
  ]);
  const reversedFirst = payment(b.accountC, '2026-05-20T08:50:00.000Z', [{ billId: b.c, amount: 40_000 }]);
  const quoted = payment(b.accountO, '2026-05-20T09:05:00.000Z', [{ billId: b.overdue, amount: 150_000, quote: { amountDue: 150_000, quotedAt: '2026-05-20T09:00:00.000Z' } }]);
  const laterOnC = payment(b.accountC, '2026-05-20T09:06:00.000Z', [{ billId: b.c, amount: 30_000 }]);
  const events = [
    partial,
    partial, // the same delivery twice
    anEvent('payment.completed', { payload: partial.payload }), // the same payment under a new event id
    twoBills,
    reversalOf(partial), // a1 back to 60 000 paid
    overpaying, // a1 owes 90 000: settled, 30 000 over-paid
    toGhostAndPaidBill, // an unknown bill, and a bill paid already (all of it over-paid)
    reversalOf(toGhostAndPaidBill), // resolves both unapplied parts
    reversalOf(reversedFirst), // nothing to undo yet: recorded
    reversedFirst, // arrives after its reversal: not applied
    laterOnC,
    quoted, // forgives the fee applied after the quote, settles, restores the line
    reversalOf(overpaying), // a1 reopened in the same batch that settled it
    reversalOf(twoBills, '2026-05-20T09:12:00.000Z'),
  ];
  // The payments standing on a1 when it is settled, in the order they were paid.
  return { events, a1SettledBy: [overpaying.payload.paymentId, twoBills.payload.paymentId] };
}

/**
 * Every row settlement writes, without what differs by construction (serial ids, generated event ids,
 * wall-clock columns) and without the late-fee fixture's own rows (its fee ids are minted anew).
 */
async function settlementState(pool: Pool, b: Bills): Promise<Record<string, unknown[]>> {
  const ids = [b.a1, b.a2, b.c, b.overdue, b.ghost];
  const q = async (sql: string, params: unknown[] = [ids]) => (await pool.query<Record<string, unknown>>(sql, params)).rows;
  return {
    bills: await q(`SELECT bill_id, status, paid_amount, late_fee, revision, updated_at FROM bills WHERE bill_id = ANY($1) ORDER BY bill_id`),
    history: await q(`SELECT * FROM bill_history WHERE bill_id = ANY($1) AND cause <> 'late_fee' ORDER BY bill_id, revision`),
    payments: await q(
      `SELECT payment_id, bill_id, kind, amount, applied_amount, currency, event_id, reversal_id, occurred_at, waived_late_fee, applied_waiver, quoted_at, quoted_amount_due
       FROM bill_payments WHERE bill_id = ANY($1) ORDER BY payment_id, bill_id, kind`,
    ),
    unapplied: await q(
      `SELECT payment_id, bill_id, account_no, kind, reason, amount, currency, event_id, occurred_at, resolved_at, resolution FROM billing_unapplied_payments
       WHERE bill_id = ANY($1) ORDER BY payment_id, bill_id, kind, reason`,
    ),
    // In the order the relay would publish them; the events' own ids and instants are minted anew.
    outbox: await q(
      `SELECT topic, key, payload #- '{eventId}' #- '{occurredAt}' AS event FROM outbox
       WHERE payload -> 'payload' ->> 'billId' = ANY($1) AND payload ->> 'type' IN ('bill.settled', 'bill.reopened') ORDER BY id`,
    ),
    inbox: await q(`SELECT consumer, event_id FROM inbox ORDER BY consumer, event_id`, []),
  };
}

describe('a batch of settlement events', () => {
  it('leaves every table as the same events applied one at a time do', async () => {
    const b = someBills();
    await Promise.all([insertBills(oneByOne.pool, b), insertBills(batched.pool, b)]);
    const { events, a1SettledBy } = mixedEvents(b);
    const deps = { logger, policy: defaultLateFeePolicy, clock: () => now };

    const alone = settlementBatches(oneByOne.pool, deps);
    for (const event of events) await alone(event);
    await settlementBatches(batched.pool, deps)(...events);

    const expected = await settlementState(oneByOne.pool, b);
    expect(await settlementState(batched.pool, b)).toEqual(expected);

    // The scenario did what it is there for (one at a time is the reference the batch is held to).
    expect(expected['bills']).toEqual([
      ...[
        { bill_id: b.a1, status: 'open', paid_amount: 0, late_fee: 0, revision: 7 },
        { bill_id: b.a2, status: 'open', paid_amount: 0, late_fee: 0, revision: 3 },
        { bill_id: b.c, status: 'partially_paid', paid_amount: 30_000, late_fee: 0, revision: 2 },
        { bill_id: b.overdue, status: 'paid', paid_amount: 150_000, late_fee: 0, revision: 3 },
      ]
        .sort((x, y) => (x.bill_id < y.bill_id ? -1 : 1))
        .map((row) => ({ ...row, updated_at: now })),
    ]);
    const reasons = (expected['unapplied'] as { reason: string; resolved_at: Date | null }[]).map((u) => `${u.reason}${u.resolved_at ? ' (resolved)' : ''}`).sort();
    expect(reasons).toEqual([
      'already_reversed (resolved)',
      'overpayment (resolved)',
      'overpayment (resolved)',
      'reversal_without_payment (resolved)',
      'reversal_without_payment (resolved)',
      'unknown_bill (resolved)',
    ]);
    const settled = (expected['outbox'] as { event: { type: string; payload: { billId: string; paymentIds?: string[]; restoreService?: boolean } } }[])
      .map((r) => r.event)
      .filter((e) => e.type === 'bill.settled');
    expect(settled.map((e) => [e.payload.billId, e.payload.restoreService])).toEqual([
      [b.a2, false],
      [b.a1, false],
      [b.overdue, true],
    ]);
    expect(settled[1]?.payload.paymentIds).toEqual(a1SettledBy);
  });
});

// A public entity pays its lines' bills in bulk, and so do its departments, each payment keyed by its
// own account: the payments spread over the topic's partitions and are settled by concurrent batches
// that lock the same bills. Each bill must end with every share on it, once.
describe('batches of several partitions settling the same bills at once', () => {
  it('applies every share once, with nothing lost between concurrent batches', async () => {
    const tk = createTestKafka(testKafka());
    const topic = await tk.createTopic('payments', 3);
    const consumer = createSettlementConsumer({
      kafka: testKafka(),
      pool: batched.pool,
      logger,
      policy: defaultLateFeePolicy,
      clock: () => now,
      topic,
      groupId: uniqueName('billing-settlement'),
      partitionsConsumedConcurrently: 3,
      consumerOptions: { sessionTimeoutMs: 6_000, heartbeatIntervalMs: 300, maxBatchSize: 10 },
    });
    try {
      const lines: BillFixture[] = [];
      for (let i = 0; i < 12; i++) lines.push(await insertBill(batched.pool, { amount: 1_000_000, holderClass: 'business' }));
      const payers = lines.slice(0, 10).map((l) => l.accountNo);
      const payments = payers.flatMap((accountNo) =>
        [0, 1, 2].map(() =>
          payment(
            accountNo,
            '2026-05-20T08:00:00.000Z',
            lines.map((l) => ({ billId: l.billId, amount: 1_000 })),
          ),
        ),
      );
      await tk.produce(
        topic,
        payments.map((p) => ({ key: p.key, value: JSON.stringify(p) })),
      );
      await consumer.start();
      const ids = lines.map((l) => l.billId);
      await waitFor(
        async () => (await batched.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM bill_payments WHERE bill_id = ANY($1)`, [ids])).rows[0]?.n === payments.length * lines.length,
        { timeoutMs: 60_000, message: 'every share applied' },
      );
      const { rows } = await batched.pool.query<{ paid_amount: number; revision: number; history: number }>(
        `SELECT b.paid_amount, b.revision, (SELECT count(*)::int FROM bill_history h WHERE h.bill_id = b.bill_id) AS history FROM bills b WHERE b.bill_id = ANY($1)`,
        [ids],
      );
      expect(rows).toEqual(ids.map(() => ({ paid_amount: payments.length * 1_000, revision: payments.length + 1, history: payments.length })));
    } finally {
      await consumer.stop();
      await tk.close();
    }
  });
});
