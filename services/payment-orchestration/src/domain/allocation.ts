// Allocation of a payment to bills and the checks that guard it: the pure half of recordPayment and
// of intent creation. Works on plain data (the bills as the read model holds them, what this gateway
// has already allocated to each, an optional inquiry quote); the store does the locking and writing.
import type { CurrencyCode, ErrorCode, Money } from '@gateway/contracts';
import { feeFor } from './fees.ts';
import type { FeeSchedule } from './fees.ts';

export type PayableBill = {
  billId: string;
  externalBillId: string;
  currency: CurrencyCode;
  /** Billed amount and late fees applied so far, in minor units. */
  amount: number;
  lateFee: number;
  /** What live (not reversed) allocations of our own payments already put on the bill (waivers included). */
  allocated: number;
  allowPartial: boolean;
  minAmount: number;
  maxAmount: number;
  essential: boolean;
  /** False when the bill is closed by something other than our allocations (canceled, settled elsewhere). */
  open: boolean;
  periodFrom: string;
  dueDate: string;
  /** A government fee order's expiry (RFC 3339; issue 16): from then on it cannot be paid. Null on telecom bills. */
  expiresAt: string | null;
};

/** What an inquiry showed for one bill: amount + late fee as of then, honoured until it expires. */
export type QuotedBill = { billId: string; total: number; currency: CurrencyCode };

/**
 * `waived`: the late fee an honoured inquiry quote forgives when this allocation pays the quoted due
 * in full; it counts against the bill like money but is not money (no ledger entry).
 */
export type AllocationLine = {
  billId: string;
  externalBillId: string;
  amount: number;
  waived: number;
  essential: boolean;
  /** What the bill owed under the inquiry quote (set only when a quote covers the bill): billing settles against it. */
  quotedDue?: number;
};

export type Refusal = { kind: 'refused'; code: ErrorCode; message: string };

export type PaymentQuote = {
  kind: 'ok';
  currency: CurrencyCode;
  allocations: AllocationLine[];
  /** The part of the amount going to non-essential bills: the only part a fee is charged on. */
  chargeableAmount: number;
  fee: Money;
};

export type QuoteInput = {
  /** Every bill of the account in the read model, any order. */
  bills: readonly PayableBill[];
  /** Bills the payer named; without them, the oldest open bills first. */
  billIds?: readonly string[] | undefined;
  amount: Money;
  /** Amounts from a still-valid inquiry (an expired one is refused before this). */
  quoted?: readonly QuotedBill[] | undefined;
  feeSchedule: FeeSchedule;
  /** A fee fixed earlier (an intent fixes it at creation); otherwise computed from the schedule. */
  fee?: Money | undefined;
  /** The gateway's clock: a fee order past its expiresAt is refused (order_expired). */
  now: Date;
  /** Which open bills come first when none are named: one account's oldest period, or (a public entity's lines) the earliest due date. */
  order?: 'period' | 'dueDate' | undefined;
};

const refuse = (code: ErrorCode, message: string): Refusal => ({ kind: 'refused', code, message });

/** What is still due on a bill: its total (or the quoted one, whichever is lower) less our live allocations. */
export function dueOf(bill: PayableBill, quoted?: QuotedBill): number {
  const current = bill.amount + bill.lateFee;
  // An inquiry's quote is honoured even if a late fee landed after it; a fee waived since then is
  // not charged back (the lower of the two).
  const total = quoted !== undefined && quoted.currency === bill.currency ? Math.min(current, quoted.total) : current;
  return Math.max(0, total - bill.allocated);
}

/**
 * A fee order that can no longer be paid: past its expiresAt and not paid by us. Billing may close
 * the order's bill at expiry (canceled), so `open` is not asked: an expired order must say why it
 * cannot be paid, not that it is "already paid".
 */
export function isExpiredOrder(bill: PayableBill, now: Date): boolean {
  return bill.expiresAt !== null && Date.parse(bill.expiresAt) <= now.getTime() && bill.amount + bill.lateFee > bill.allocated;
}

function expiredMessage(bill: PayableBill): string {
  return `Bill ${bill.billId} is a fee order that expired at ${bill.expiresAt ?? ''}; it can no longer be paid.`;
}

function oldestFirst(a: PayableBill, b: PayableBill): number {
  if (a.periodFrom !== b.periodFrom) return a.periodFrom < b.periodFrom ? -1 : 1;
  if (a.dueDate !== b.dueDate) return a.dueDate < b.dueDate ? -1 : 1;
  return a.billId < b.billId ? -1 : a.billId > b.billId ? 1 : 0;
}

// A public entity's lines are billed on cycles of their own, so across lines "oldest" is the bill
// that fell due first (docs/api.md: oldest due date first).
function earliestDueFirst(a: PayableBill, b: PayableBill): number {
  if (a.dueDate !== b.dueDate) return a.dueDate < b.dueDate ? -1 : 1;
  return oldestFirst(a, b);
}

/**
 * Decides where a payment goes and whether it may be taken at all. A refusal is a value carrying the
 * docs/api.md code: `bill_already_paid` when what was named is already covered, `no_amount_due` when the
 * account owes nothing, `currency_mismatch`, and `amount_out_of_range` for a partial payment of a bill
 * that takes none, an amount below the bill's minimum, or more than is due (no overpayment: the
 * channel would have to refund it).
 */
export function quotePayment(input: QuoteInput): PaymentQuote | Refusal {
  const { amount } = input;
  if (amount.amount <= 0) return refuse('amount_out_of_range', 'The amount must be positive.');
  const byId = new Map(input.bills.map((b) => [b.billId, b]));
  const quotedById = new Map((input.quoted ?? []).map((q) => [q.billId, q]));

  let targets: PayableBill[];
  if (input.billIds !== undefined) {
    if (new Set(input.billIds).size !== input.billIds.length) return refuse('invalid_request', 'billIds must not repeat a bill.');
    targets = [];
    for (const id of input.billIds) {
      const bill = byId.get(id);
      if (bill === undefined) return refuse('not_found', `Bill ${id} is not a bill of this account.`);
      targets.push(bill);
    }
  } else {
    targets = [...input.bills];
  }
  targets.sort(input.order === 'dueDate' ? earliestDueFirst : oldestFirst);

  const currencies = new Set(targets.map((b) => b.currency));
  if (targets.length > 0 && !currencies.has(amount.currency)) {
    return refuse('currency_mismatch', `The bills are in ${[...currencies].join(', ')}, the payment is in ${amount.currency}.`);
  }
  // Bills in another currency than the payment's are left alone when none were named.
  const sameCurrency = targets.filter((b) => b.currency === amount.currency);
  if (input.billIds !== undefined && sameCurrency.length !== targets.length) {
    return refuse('currency_mismatch', `Every named bill must be in ${amount.currency}.`);
  }

  // A named expired order, or (none named) nothing payable but an expired order: order_expired. Without
  // named bills an expired order is simply not among the bills the amount goes to.
  const expired = sameCurrency.find((b) => isExpiredOrder(b, input.now));
  if (input.billIds !== undefined && expired !== undefined) {
    return refuse('order_expired', expiredMessage(expired));
  }
  const payable = sameCurrency.filter((b) => !isExpiredOrder(b, input.now));
  const withDue = payable.map((bill) => ({ bill, due: bill.open ? dueOf(bill, quotedById.get(bill.billId)) : 0 }));
  if (input.billIds !== undefined) {
    const covered = withDue.find((x) => x.due === 0);
    if (covered !== undefined) {
      return covered.bill.amount + covered.bill.lateFee === 0 && covered.bill.allocated === 0
        ? refuse('no_amount_due', `Bill ${covered.bill.billId} has no amount due.`)
        : refuse('bill_already_paid', `Bill ${covered.bill.billId} has already been paid.`);
    }
  }
  const open = withDue.filter((x) => x.due > 0);
  if (open.length === 0 && expired !== undefined) {
    return refuse('order_expired', expiredMessage(expired));
  }
  if (open.length === 0) {
    const anyPaid = sameCurrency.some((b) => b.allocated > 0 || !b.open);
    return anyPaid
      ? refuse('bill_already_paid', 'The bills of this account have already been paid.')
      : refuse('no_amount_due', 'There is no amount due on this account.');
  }
  const totalDue = open.reduce((s, x) => s + x.due, 0);
  if (amount.amount > totalDue) {
    return refuse('amount_out_of_range', `The amount ${amount.amount} is above the ${totalDue} due (overpayment is not accepted).`);
  }

  const allocations: AllocationLine[] = [];
  let left: number = amount.amount;
  for (const { bill, due } of open) {
    if (left === 0) break;
    const part = Math.min(left, due);
    if (part < due) {
      if (!bill.allowPartial) {
        return refuse('amount_out_of_range', `Bill ${bill.billId} must be paid in full (${due} due); partial payment is not allowed.`);
      }
      const minimum = Math.min(bill.minAmount, due);
      if (part < minimum) {
        return refuse('amount_out_of_range', `The amount for bill ${bill.billId} is below its minimum of ${minimum}.`);
      }
    }
    const waived = part === due ? dueOf(bill) - due : 0;
    const line: AllocationLine = { billId: bill.billId, externalBillId: bill.externalBillId, amount: part, waived, essential: bill.essential };
    const quotedBill = quotedById.get(bill.billId);
    allocations.push(quotedBill !== undefined && quotedBill.currency === bill.currency ? { ...line, quotedDue: due } : line);
    left -= part;
  }

  const chargeableAmount = allocations.filter((a) => !a.essential).reduce((s, a) => s + a.amount, 0);
  const fee = input.fee ?? feeFor(input.feeSchedule, { currency: amount.currency, chargeableAmount });
  if (fee.currency !== amount.currency) return refuse('currency_mismatch', 'The fee must be in the payment currency.');
  return { kind: 'ok', currency: amount.currency, allocations, chargeableAmount, fee };
}

/** Signed minor units (debit positive): a plain number, since a credit is negative. */
export type LedgerLine = { account: string; amount: number; currency: CurrencyCode };

/**
 * Double-entry lines of a payment (signed: debit positive). The channel owes amount + fee; the biller
 * is owed the amount; the gateway earns the fee. The lines sum to zero by construction.
 */
export function paymentLedgerLines(input: { channelId: string; billerId: string; amount: Money; fee: Money }): LedgerLine[] {
  const { amount, fee } = input;
  const value: number = amount.amount;
  const charge: number = fee.amount;
  const lines: LedgerLine[] = [
    { account: `channel:${input.channelId}:receivable`, amount: value + charge, currency: amount.currency },
    { account: `biller:${input.billerId}:payable`, amount: -value, currency: amount.currency },
  ];
  if (charge !== 0) lines.push({ account: 'gateway:fee-income', amount: -charge, currency: fee.currency });
  return lines;
}

/** A reversal's lines: the payment's, mirrored. */
export function reversalLedgerLines(input: { channelId: string; billerId: string; amount: Money; fee: Money }): LedgerLine[] {
  return paymentLedgerLines(input).map((l) => ({ ...l, amount: -l.amount }));
}
