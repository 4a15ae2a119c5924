// Undoes a payment on its bills from payment.reversed, inside a batch's transaction on the batch's
// book (flows/settle-batch.flow.ts, domain/settlement-book.ts). As for payments (flows/apply-payment.flow.ts), every anomaly is a value
// recorded in billing_unapplied_payments, and the event still commits.
//
// A reversal that finds nothing of its payment on a bill (the payment not applied yet, or sitting
// unapplied) is recorded as 'reversal_without_payment' either way: that row is what stops the
// payment being applied should it come (again) later. What a reversal reinstates is what the
// payment's bill_payments row says was applied and waived, whatever the reversal's own event carries.
import { businessDateOf, createEvent, isPositive, money } from '@gateway/contracts';
import type { EventOf } from '@gateway/contracts';
import { allocationsByBill, emptyReport } from '../domain/bill-settlement.ts';
import type { SettlementReport } from '../domain/bill-settlement.ts';
import { toBillSnapshot } from '../domain/bill-snapshot.ts';
import { applyReversal as applyReversalToBill } from '../domain/bill-state.ts';
import type { LateFeePolicy } from '../domain/late-fee-policy.ts';
import type { SettlementBook } from '../domain/settlement-book.ts';
import { serviceName } from '../service-name.ts';

/** Applies the reversal to its bills (locked in `book`); what it did is in the report and in the book. */
export function applyReversal(book: SettlementBook, event: EventOf<'payment.reversed'>, policy: LateFeePolicy, now: Date): SettlementReport {
  const { payload } = event;
  const report = emptyReport();
  // The allocations summed per bill; the batch locked those bills before anything of theirs was read.
  const allocations = allocationsByBill(payload.allocations);
  const today = businessDateOf(now);
  for (const allocation of allocations) {
    // Whatever of this payment sat unapplied (an over-payment, an unknown bill) went back to the payer.
    const satUnapplied = book.resolveUnappliedPayment(payload.paymentId, allocation.billId, now, payload.reversalId);
    const found = book.bill(allocation.billId);
    const original = found ? book.findBillPayment(payload.paymentId, allocation.billId) : undefined;
    if (!found || !original) {
      // Nothing of it reached the bill: fine when it sat unapplied (recorded resolved), a question for
      // operators otherwise. Recorded either way, so every reversal leaves a row (here or in
      // bill_payments) that stops its payment being applied should it come (again) later.
      const item = { billId: allocation.billId, reason: 'reversal_without_payment' as const, amount: allocation.amount };
      book.recordUnapplied({
        ...item,
        paymentId: payload.paymentId,
        accountNo: payload.accountNo,
        kind: 'reversal',
        eventId: event.eventId,
        occurredAt: payload.reversedAt,
        resolved: satUnapplied ? { at: now, resolution: `its payment sat unapplied and went back with it: ${payload.reversalId}` } : undefined,
      });
      if (!satUnapplied) report.unapplied.push(item);
      continue;
    }
    const { bill, account } = found;
    // The reversal row mirrors the payment row, waiver included: what was forgiven is owed again.
    const inserted = book.insertBillReversal({
      paymentId: payload.paymentId,
      billId: bill.billId,
      original,
      eventId: event.eventId,
      reversalId: payload.reversalId,
      occurredAt: payload.reversedAt,
      channelId: payload.channelId,
    });
    if (!inserted) {
      report.alreadyApplied.push(bill.billId);
      continue;
    }
    const applied = money(original.applied, original.currency);
    const reinstated = money(original.appliedWaiver, original.currency);
    if (!isPositive(applied) && !isPositive(reinstated)) continue;
    const outcome = applyReversalToBill(bill, applied, today, reinstated);
    const updated = book.saveBillState(bill, outcome.state, { cause: 'reversal', causeId: payload.reversalId, at: now });
    book.enqueue(
      createEvent('bill.reopened', {
        // Keyed by the account, so one account's bill events stay in order.
        producer: serviceName,
        key: bill.accountNo,
        correlationId: event.correlationId,
        causationId: event.eventId,
        payload: {
          ...toBillSnapshot(updated, account, policy, now),
          reopenedAt: now.toISOString(),
          paymentId: payload.paymentId,
          reversalId: payload.reversalId,
          reason: payload.reason,
        },
      }),
    );
    report.reopened.push(bill.billId);
  }
  return report;
}
