// The bill's state machine. Status is never set by hand: it follows from the amounts and the business
// date, so a payment, a reversal and a late fee all land in the same place however they interleave.
//
//   open ──(business date passes due date)──▶ overdue
//   open/overdue ──(payment < due)──▶ partially_paid (overdue while past due)
//   any payable ──(nothing left due)──▶ paid
//   paid ──(reversal)──▶ open | partially_paid | overdue, by amounts and date (the bill is reopened)
//   A payment may carry a late-fee waiver (an inquiry quote honoured across a fee): it comes off the
//   late fee, so the quoted payment settles the bill; its reversal puts the fee back.
//   canceled, reversed: set by the telecom's billing system (a voided or credited bill); payments
//   and fees no longer change their status, though their history is still recorded.
import { addMoney, isPositive, maxMoney, minMoney, subtractMoney, zeroMoney } from '@gateway/contracts';
import type { BillStatus, BusinessDate, Money } from '@gateway/contracts';

export type BillState = {
  amount: Money;
  /** Late fees applied less those waived by payments still standing: what is owed of fees. */
  lateFee: Money;
  paidAmount: Money;
  dueDate: BusinessDate;
  status: BillStatus;
  revision: number;
};

const administrative: ReadonlySet<BillStatus> = new Set(['canceled', 'reversed']);

/** The statuses a bill can still owe in (and so take late fees in). */
export const payableStatuses = ['open', 'partially_paid', 'overdue'] as const;

export function isAdministrativelyClosed(status: BillStatus): boolean {
  return administrative.has(status);
}

/** amount + late fees − payments, never below zero (an over-payment is surfaced apart, not owed back here). */
export function outstandingOf(state: Pick<BillState, 'amount' | 'lateFee' | 'paidAmount'>): Money {
  const due = subtractMoney(addMoney(state.amount, state.lateFee), state.paidAmount);
  return maxMoney(due, zeroMoney(due.currency));
}

export function deriveBillStatus(state: Omit<BillState, 'revision'>, businessDate: BusinessDate): BillStatus {
  if (isAdministrativelyClosed(state.status)) return state.status;
  if (!isPositive(outstandingOf(state))) return 'paid';
  if (businessDate > state.dueDate) return 'overdue';
  return isPositive(state.paidAmount) ? 'partially_paid' : 'open';
}

export type PaymentOutcome = {
  state: BillState;
  /** What went to the bill; never more than was due. */
  applied: Money;
  /** What of the waiver came off the late fee: never more than the fee, nor than was left due after the money. */
  waived: Money;
  /** Money beyond what was due: recorded as unapplied, never silently kept. */
  excess: Money;
  /** This payment brought what is due to zero. */
  settled: boolean;
};

export function applyPayment(state: BillState, payment: Money, businessDate: BusinessDate, waiver: Money = zeroMoney(payment.currency)): PaymentOutcome {
  const zero = zeroMoney(payment.currency);
  // A voided bill takes nothing: the whole payment is surfaced as unapplied for a refund.
  const closed = isAdministrativelyClosed(state.status);
  const before = closed ? zero : outstandingOf(state);
  const applied = minMoney(payment, before);
  const excess = subtractMoney(payment, applied);
  const paid = { ...state, paidAmount: addMoney(state.paidAmount, applied) };
  // The waiver forgives only fee still owed once the money is in: a fee the money already covered is
  // not forgiven twice, and a waiver is never money, so nothing of it becomes an excess.
  const waived = closed ? zero : maxMoney(minMoney(waiver, state.lateFee, outstandingOf(paid)), zero);
  const next = { ...paid, lateFee: subtractMoney(state.lateFee, waived) };
  const status = deriveBillStatus(next, businessDate);
  return {
    state: { ...next, status, revision: state.revision + 1 },
    applied,
    waived,
    excess,
    settled: isPositive(before) && !isPositive(outstandingOf(next)),
  };
}

export type ReversalOutcome = { state: BillState; reopened: boolean };

/**
 * Takes back what a payment applied, and owes again the late fee it waived (the quote was honoured
 * for that payment only); the bill becomes payable again with its history intact.
 */
export function applyReversal(state: BillState, applied: Money, businessDate: BusinessDate, waived: Money = zeroMoney(applied.currency)): ReversalOutcome {
  const taken = minMoney(applied, state.paidAmount);
  const next = { ...state, paidAmount: subtractMoney(state.paidAmount, taken), lateFee: addMoney(state.lateFee, waived) };
  const status = deriveBillStatus(next, businessDate);
  return { state: { ...next, status, revision: state.revision + 1 }, reopened: isPositive(taken) || isPositive(waived) };
}

export function applyLateFee(state: BillState, fee: Money, businessDate: BusinessDate): BillState {
  const next = { ...state, lateFee: addMoney(state.lateFee, fee) };
  return { ...next, status: deriveBillStatus(next, businessDate), revision: state.revision + 1 };
}

/** Re-derives the status for a new business date (open → overdue); the revision moves only on change. */
export function advanceToDate(state: BillState, businessDate: BusinessDate): BillState {
  const status = deriveBillStatus(state, businessDate);
  return status === state.status ? state : { ...state, status, revision: state.revision + 1 };
}
