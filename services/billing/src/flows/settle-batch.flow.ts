// Applies a batch of payment.completed and payment.reversed events (one partition's, in offset order,
// the inbox already past) inside the batch's one transaction, set-wise: every bill the batch names is
// locked in one statement (bill_id order, the order every writer of bills locks in, so two batches or
// the late-fee run wait for each other instead of deadlocking), the rows the events need are read
// with one statement per table, the events are applied one after another in memory
// (domain/settlement-book.ts), and what they changed is written with one statement per table.
//
// Order: a key is always in one partition, so two events of one payment (or of one account's bills)
// are in the batch in the order they happened, and each sees what the one before it did in the book:
// a payment and its reversal, two partial payments that settle a bill, a payment re-sent under a new
// event id all end as they did when every event had its own transaction.
import type { EventOf } from '@gateway/contracts';
import { enqueueEvents } from '@gateway/kit';
import type { PoolClient } from 'pg';
import { allocationsByBill } from '../domain/bill-settlement.ts';
import type { SettlementReport } from '../domain/bill-settlement.ts';
import type { LateFeePolicy } from '../domain/late-fee-policy.ts';
import { SettlementBook, pairKey, quoteKey } from '../domain/settlement-book.ts';
import { findBillPayments, findLivePayments, findOverdueNotices, findUnapplied, insertBillPayments, insertUnapplied, lateFeesAppliedAfter, resolveUnapplied } from '../store/pg-bill-payment-store.ts';
import type { PaymentPair, QuoteFeesQuery } from '../store/pg-bill-payment-store.ts';
import { lockBills, saveBillStates } from '../store/pg-bill-state-store.ts';
import { applyPayment } from './apply-payment.flow.ts';
import { applyReversal } from './apply-reversal.flow.ts';

export type SettlementEvent = EventOf<'payment.completed'> | EventOf<'payment.reversed'>;

export type SettledEvent = { event: SettlementEvent; kind: 'payment' | 'reversal'; report: SettlementReport };

export type SettleBatchDeps = { policy: LateFeePolicy; clock: () => Date };

// A deadlock or serialization failure re-runs the whole batch transaction: safe, since everything it
// does (inbox rows included) is inside it.
export const settlementTransactionRetries = 3;

/** What the batch names: its (payment, bill) pairs, its bills and the quotes whose late fees it needs. */
function namedBy(events: readonly SettlementEvent[]): { pairs: PaymentPair[]; billIds: string[]; quotes: QuoteFeesQuery[] } {
  const pairs = new Map<string, PaymentPair>();
  const quotes = new Map<string, QuoteFeesQuery>();
  for (const event of events) {
    const { paymentId } = event.payload;
    for (const allocation of allocationsByBill(event.payload.allocations)) {
      pairs.set(pairKey(paymentId, allocation.billId), { paymentId, billId: allocation.billId });
      const { quote } = allocation;
      if (event.type === 'payment.completed' && quote !== undefined) {
        const query = { billId: allocation.billId, quotedAt: quote.quotedAt, currency: allocation.amount.currency };
        quotes.set(quoteKey(query.billId, query.quotedAt, query.currency), query);
      }
    }
  }
  const billIds = [...new Set([...pairs.values()].map((p) => p.billId))].sort();
  return { pairs: [...pairs.values()], billIds, quotes: [...quotes.values()] };
}

/** Applies the events in order; their reports come back in the same order, for the caller to log after commit. */
export async function settleBatch(client: PoolClient, deps: SettleBatchDeps, events: readonly SettlementEvent[]): Promise<SettledEvent[]> {
  if (events.length === 0) return [];
  // One instant for the batch, as its events commit together.
  const now = deps.clock();
  const named = namedBy(events);
  // The locks first: every row read below is then as the last writer of these bills left it.
  const bills = await lockBills(client, named.billIds);
  const { payments, reversals } = await findBillPayments(client, named.pairs);
  const book = new SettlementBook({
    bills,
    payments,
    reversals,
    unapplied: await findUnapplied(client, named.pairs),
    livePayments: await findLivePayments(client, [...bills.keys()]),
    overdueNotices: await findOverdueNotices(client, [...bills.keys()]),
    feesAfterQuote: await lateFeesAppliedAfter(client, named.quotes),
  });
  const settled = events.map((event): SettledEvent => {
    if (event.type === 'payment.completed') return { event, kind: 'payment', report: applyPayment(book, event, deps.policy, now) };
    return { event, kind: 'reversal', report: applyReversal(book, event, deps.policy, now) };
  });
  const writes = book.writes();
  await saveBillStates(client, writes.bills, writes.history);
  await insertBillPayments(client, writes.payments);
  await resolveUnapplied(client, writes.resolved);
  await insertUnapplied(client, writes.unapplied);
  await enqueueEvents(client, writes.events);
  return settled;
}
