// Applying payments to bills, the plain part: a payment's allocations summed per bill (with the
// late-fee waiver each asks for) and the report a payment or reversal produces. The steps that read
// and write bills are flows/apply-payment.flow.ts and flows/apply-reversal.flow.ts.
import { money } from '@gateway/contracts';
import type { Money } from '@gateway/contracts';

export type UnappliedReason = 'unknown_bill' | 'overpayment' | 'currency_mismatch' | 'bill_closed' | 'reversal_without_payment' | 'already_reversed';

export type Unapplied = { billId: string; reason: UnappliedReason; amount: Money };

export type SettlementReport = {
  /** Bills this event brought to zero due (bill.settled emitted). */
  settled: string[];
  /** Bills paid in part (nothing emitted: the payment side knows its own payments). */
  partial: string[];
  /** Bills a reversal made payable again (bill.reopened emitted). */
  reopened: string[];
  /** Bills this payment or reversal had already been applied to under another event id. */
  alreadyApplied: string[];
  unapplied: Unapplied[];
};

export type Quote = { amountDue: Money; quotedAt: string };

export type Allocation = { billId: string; amount: Money; waivedLateFee?: Money | undefined; quote?: Quote | undefined };

export type Allocated = { billId: string; amount: Money; waivedLateFee: Money; quote?: Quote | undefined };

// A waiver in another currency than its allocation forgives nothing: no fee of the bill can be
// compared with it, and guessing a rate is not billing's to do (the money still applies).
function waiverOf(a: { amount: Money; waivedLateFee?: Money | undefined }): number {
  return a.waivedLateFee !== undefined && a.waivedLateFee.currency === a.amount.currency ? a.waivedLateFee.amount : 0;
}

// One payment may name a bill twice (two lines of a bulk payment); apply the sum once, in bill order.
// A bill has one quote per inquiry, so two lines of one bill carry the same one: the first is kept.
export function allocationsByBill(allocations: readonly Allocation[]): Allocated[] {
  const sums = new Map<string, Allocated>();
  for (const a of allocations) {
    const prev = sums.get(a.billId);
    sums.set(
      a.billId,
      prev
        ? {
            billId: a.billId,
            amount: money(prev.amount.amount + a.amount.amount, a.amount.currency),
            waivedLateFee: money(prev.waivedLateFee.amount + waiverOf(a), a.amount.currency),
            quote: prev.quote ?? a.quote,
          }
        : { billId: a.billId, amount: a.amount, waivedLateFee: money(waiverOf(a), a.amount.currency), quote: a.quote },
    );
  }
  return [...sums.values()].sort((x, y) => (x.billId < y.billId ? -1 : x.billId > y.billId ? 1 : 0));
}

export function emptyReport(): SettlementReport {
  return { settled: [], partial: [], reopened: [], alreadyApplied: [], unapplied: [] };
}
