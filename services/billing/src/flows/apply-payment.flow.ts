// Applies payment.completed to bills. It runs inside a batch's transaction (flows/settle-batch.flow.ts),
// on the batch's book of the rows it reads and writes (domain/settlement-book.ts): the inbox has
// already let through only events not applied before, and what an earlier event of the batch did is
// in the book. Every anomaly (an unknown bill, an over-payment, another currency, a voided bill, a
// payment already reversed) is a value: it is recorded in billing_unapplied_payments and reported,
// and the event still commits. Throwing would only retry the same facts five times and dead-letter a
// payment whose other allocations were fine; money already moved, so billing must record it, not refuse it.
//
// Order: a reversal may reach billing before its payment (the payment dead-lettered and replayed
// later, or the two events reordered). The reversal then finds nothing to undo and is recorded as
// 'reversal_without_payment'; that record is what the late payment looks for, and finding it, the
// payment is not applied (reason 'already_reversed'): the channel has given the money back already.
//
// Waivers: an allocation may carry waivedLateFee, the late fee orchestration forgave because the
// channel paid an inquiry quote honoured across a fee that landed after it. It comes off the bill's
// late fee after the money (so the quoted payment settles the bill and the line is restored), is
// recorded on the payment's bill_payments row (the same key keeps it to one application), and a
// reversal reinstates exactly what that row says was waived, whatever its own event carries.
//
// Quotes: an allocation paid against a bill inquiry carries the quote (amount due, quotedAt). Billing
// then decides the waiver itself, from its own late_fees: the fees applied after quotedAt are forgiven
// when the payment pays the whole quoted amount. Orchestration's waivedLateFee is not used then: its
// copy of the bill may lag billing both ways (not yet seen a fee applied after the quote, so it
// waived nothing; or seen only after the quote a fee applied before it, which is not to be forgiven).
import { businessDateOf, createEvent, isPositive } from '@gateway/contracts';
import type { EventOf, Money } from '@gateway/contracts';
import { lateFeeForgivenByQuote } from '../domain/amount-due.ts';
import type { BillRecord } from '../domain/bill-records.ts';
import { allocationsByBill, emptyReport } from '../domain/bill-settlement.ts';
import type { Allocated, SettlementReport } from '../domain/bill-settlement.ts';
import { toBillSnapshot } from '../domain/bill-snapshot.ts';
import { applyPayment as applyPaymentToBill, isAdministrativelyClosed } from '../domain/bill-state.ts';
import type { LateFeePolicy } from '../domain/late-fee-policy.ts';
import type { SettlementBook } from '../domain/settlement-book.ts';
import { serviceName } from '../service-name.ts';

function wasOverdue(book: SettlementBook, bill: BillRecord): boolean {
  if (bill.status === 'overdue') return true;
  // A bill paid in part after its cut-off is still suspended even if its status moved on.
  return book.hasOverdueNotice(bill.billId);
}

/** The waiver billing grants a payment's allocation: by its quote when it has one, else what the event carried. */
function waiverAskedBy(book: SettlementBook, allocation: Allocated): Money {
  const { quote } = allocation;
  if (quote === undefined) return allocation.waivedLateFee;
  const feesAfterQuote = book.lateFeesAppliedAfter(allocation.billId, quote.quotedAt, allocation.amount.currency);
  return lateFeeForgivenByQuote({ paid: allocation.amount, quotedDue: quote.amountDue, feesAfterQuote });
}

/** Applies the payment to its bills (locked in `book`); what it did is in the report and in the book. */
export function applyPayment(book: SettlementBook, event: EventOf<'payment.completed'>, policy: LateFeePolicy, now: Date): SettlementReport {
  const { payload } = event;
  const report = emptyReport();
  // The allocations summed per bill; the batch locked those bills before anything of theirs was read.
  const allocations = allocationsByBill(payload.allocations);
  const today = businessDateOf(now);
  const unapplied = { paymentId: payload.paymentId, accountNo: payload.accountNo, kind: 'payment' as const, eventId: event.eventId, occurredAt: payload.paidAt };
  // Read under the bills' locks: a reversal of this payment being recorded by another transaction
  // holds the same locks, so it is either committed and seen here, or it will find this payment applied.
  const reversed = book.reversedBeforeApplied(
    payload.paymentId,
    allocations.map((a) => a.billId),
  );
  for (const allocation of allocations) {
    if (reversed.has(allocation.billId)) {
      // Kept for the audit trail, resolved at once: nothing is owed either way. The reversal's own
      // "without payment" question is answered too: its payment did come, late.
      const resolution = `payment arrived after its reversal: not applied (event ${event.eventId})`;
      book.resolveUnappliedReversal(payload.paymentId, allocation.billId, now, resolution);
      const item = { billId: allocation.billId, reason: 'already_reversed' as const, amount: allocation.amount };
      book.recordUnapplied({ ...unapplied, ...item, resolved: { at: now, resolution } });
      report.unapplied.push(item);
      continue;
    }
    const found = book.bill(allocation.billId);
    if (!found) {
      const item = { billId: allocation.billId, reason: 'unknown_bill' as const, amount: allocation.amount };
      book.recordUnapplied({ ...unapplied, ...item });
      report.unapplied.push(item);
      continue;
    }
    const { bill, account } = found;
    if (bill.amount.currency !== allocation.amount.currency) {
      const item = { billId: bill.billId, reason: 'currency_mismatch' as const, amount: allocation.amount };
      book.recordUnapplied({ ...unapplied, ...item });
      report.unapplied.push(item);
      continue;
    }
    const waiver = waiverAskedBy(book, allocation);
    const outcome = applyPaymentToBill(bill, allocation.amount, today, waiver);
    const inserted = book.insertBillPayment({
      paymentId: payload.paymentId,
      billId: bill.billId,
      amount: allocation.amount.amount,
      applied: outcome.applied.amount,
      waivedLateFee: waiver.amount,
      appliedWaiver: outcome.waived.amount,
      currency: allocation.amount.currency,
      eventId: event.eventId,
      occurredAt: payload.paidAt,
      quote: allocation.quote,
      channelId: payload.channelId,
      receiptNo: payload.receiptNo,
    });
    if (!inserted) {
      report.alreadyApplied.push(bill.billId);
      continue;
    }
    if (isPositive(outcome.excess)) {
      const item = { billId: bill.billId, reason: isAdministrativelyClosed(bill.status) ? ('bill_closed' as const) : ('overpayment' as const), amount: outcome.excess };
      book.recordUnapplied({ ...unapplied, ...item });
      report.unapplied.push(item);
    }
    if (!isPositive(outcome.applied)) continue;
    const restoreService = outcome.settled && wasOverdue(book, bill);
    const updated = book.saveBillState(bill, outcome.state, { cause: 'payment', causeId: payload.paymentId, at: now });
    if (outcome.settled) {
      book.enqueue(
        createEvent('bill.settled', {
          // Keyed by the account, so one account's bill events stay in order.
          producer: serviceName,
          key: bill.accountNo,
          correlationId: event.correlationId,
          causationId: event.eventId,
          payload: {
            ...toBillSnapshot(updated, account, policy, now),
            settledAt: now.toISOString(),
            paymentIds: book.livePaymentIds(bill.billId),
            restoreService,
          },
        }),
      );
      report.settled.push(bill.billId);
    } else {
      report.partial.push(bill.billId);
    }
  }
  return report;
}
