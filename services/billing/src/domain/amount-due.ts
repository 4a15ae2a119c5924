// What a bill costs at an instant: amount + late fees owed − late fees waived − payments, never
// negative. Pure: the fees
// depend only on the business date of the instant (Asia/Damascus) against the due date, the holder
// class's policy and what was still unpaid when each step started. Two instants of the same local day
// therefore always give the same answer, which is what lets a channel's quote hold for the day and
// lets the daily run materialize exactly the fees this function computes.
import { addMoney, CurrencyMismatchError, isPositive, maxMoney, minMoney, percentOf, subtractMoney, sumMoney, zeroMoney } from '@gateway/contracts';
import type { BusinessDate, HolderClass, Money } from '@gateway/contracts';
import { addDays, businessDateOf } from '@gateway/contracts';
import { classPolicy } from './late-fee-policy.ts';
import type { ClassLateFeePolicy, LateFeePolicy } from './late-fee-policy.ts';

export type DueBill = { amount: Money; dueDate: BusinessDate; holderClass: HolderClass };

/**
 * One movement of money on the bill: what a payment applied, or what a reversal took back.
 * `waivedLateFee`: the late fee the payment forgave (an inquiry quote honoured across a fee), or on a
 * reversal the waiver it undid. It lowers the fee owed, never the unpaid base a fee step is charged
 * on: forgiving a fee pays none of the bill.
 */
export type PaymentEntry = { kind: 'payment' | 'reversal'; amount: Money; waivedLateFee?: Money | undefined; occurredAt: Date | string };

export type FeeOwed = {
  /** 1-based, in policy order: the unit the daily run applies exactly once. */
  step: number;
  startsOn: BusinessDate;
  /** What was still unpaid of the bill's amount when the step started. */
  base: Money;
  amount: Money;
};

export type Assessment = {
  businessDate: BusinessDate;
  amount: Money;
  fees: FeeOwed[];
  /** The fees owed by the policy, before waivers. */
  lateFee: Money;
  /** Late fee forgiven by payments still standing, never more than lateFee. */
  waived: Money;
  /** Net of reversals. */
  paid: Money;
  amountDue: Money;
  /** Paid beyond amount + fees − waived: not owed, and surfaced so it can be refunded. */
  overpaid: Money;
};

/** The first business date on which a fee can be owed (the day after grace, and any deferral). */
export function firstFeeDate(dueDate: BusinessDate, rules: ClassLateFeePolicy): BusinessDate | null {
  if (rules.exemption.kind === 'exempt') return null;
  const deferral = rules.exemption.kind === 'deferred' ? rules.exemption.days : 0;
  return addDays(dueDate, rules.graceDays + deferral + 1);
}

function signed(entry: PaymentEntry): Money {
  return entry.kind === 'payment' ? entry.amount : subtractMoney(zeroMoney(entry.amount.currency), entry.amount);
}

function signedWaiver(entry: PaymentEntry, currency: Money['currency']): Money {
  // A waiver in another currency than the bill's cannot forgive any of its fee; settlement never
  // records one, so this only keeps the sum well-defined.
  const waiver = entry.waivedLateFee !== undefined && entry.waivedLateFee.currency === currency ? entry.waivedLateFee : zeroMoney(currency);
  return entry.kind === 'payment' ? waiver : subtractMoney(zeroMoney(currency), waiver);
}

/** Net payments whose business date is before `date` (all of them when `date` is null). */
function paidBefore(payments: readonly PaymentEntry[], currency: Money['currency'], date: BusinessDate | null): Money {
  const counted = date === null ? payments : payments.filter((p) => businessDateOf(p.occurredAt) < date);
  return sumMoney(counted.map(signed), currency);
}

function capOf(bill: DueBill, rules: ClassLateFeePolicy): Money | null {
  const bounds: Money[] = [];
  if (rules.cap.amount) {
    if (rules.cap.amount.currency !== bill.amount.currency) throw new CurrencyMismatchError(bill.amount.currency, rules.cap.amount.currency);
    bounds.push(rules.cap.amount);
  }
  if (rules.cap.basisPoints !== undefined) bounds.push(percentOf(bill.amount, rules.cap.basisPoints));
  const [first, ...rest] = bounds;
  return first ? minMoney(first, ...rest) : null;
}

/**
 * The fee steps owed on `businessDate`. A step is owed once its start date has come and something of
 * the bill's amount was still unpaid the day before; the cap clips the last steps (a step clipped to
 * nothing is not owed at all). Throws CurrencyMismatchError when a fixed amount of the policy is in
 * another currency than the bill: a misconfiguration, never a reason to guess.
 */
export function feesOwedOn(bill: DueBill, payments: readonly PaymentEntry[], policy: LateFeePolicy, businessDate: BusinessDate): FeeOwed[] {
  const rules = classPolicy(policy, bill.holderClass);
  const first = firstFeeDate(bill.dueDate, rules);
  if (first === null || businessDate < first) return [];
  const currency = bill.amount.currency;
  const cap = capOf(bill, rules);
  let total = zeroMoney(currency);
  const owed: FeeOwed[] = [];
  for (const [index, step] of rules.steps.entries()) {
    const startsOn = addDays(first, step.daysAfterGrace);
    if (businessDate < startsOn) break;
    const base = maxMoney(subtractMoney(bill.amount, paidBefore(payments, currency, startsOn)), zeroMoney(currency));
    if (!isPositive(base)) continue;
    let amount: Money;
    if (step.kind === 'fixed') {
      if (step.amount.currency !== currency) throw new CurrencyMismatchError(currency, step.amount.currency);
      amount = step.amount;
    } else {
      amount = percentOf(base, step.basisPoints);
    }
    if (cap) amount = minMoney(amount, maxMoney(subtractMoney(cap, total), zeroMoney(currency)));
    if (!isPositive(amount)) continue;
    total = addMoney(total, amount);
    owed.push({ step: index + 1, startsOn, base, amount });
  }
  return owed;
}

export function assessBill(bill: DueBill, payments: readonly PaymentEntry[], policy: LateFeePolicy, instant: Date): Assessment {
  const businessDate = businessDateOf(instant);
  const currency = bill.amount.currency;
  const fees = feesOwedOn(bill, payments, policy, businessDate);
  const lateFee = sumMoney(
    fees.map((f) => f.amount),
    currency,
  );
  const paid = paidBefore(payments, currency, null);
  const zero = zeroMoney(currency);
  // Like paid, every standing waiver counts whatever its date. It only ever forgives fees: clamped to
  // the fee owed, it can neither make the bill owe less than amount − paid nor owe more than with none.
  const waived = maxMoney(minMoney(sumMoney(payments.map((p) => signedWaiver(p, currency)), currency), lateFee), zero);
  const gross = subtractMoney(subtractMoney(addMoney(bill.amount, lateFee), waived), paid);
  return {
    businessDate,
    amount: bill.amount,
    fees,
    lateFee,
    waived,
    paid,
    amountDue: maxMoney(gross, zero),
    overpaid: maxMoney(subtractMoney(zero, gross), zero),
  };
}

/**
 * The late fee a payment made against an inquiry quote forgives: every fee applied after the quote
 * (`feesAfterQuote`), when the payment pays the whole amount quoted for the bill. The channel was told
 * that amount and it is honoured until the inquiry expires (orchestration refuses an expired one), so
 * a fee that landed in between is not the customer's to pay. A fee applied before the quote was owed
 * when the quote was made: it is never forgiven, even if the quote (from a lagging copy of the bill)
 * left it out. A partial payment of the quote forgives nothing. The result is an upper bound:
 * applyPayment clips it to the fee still owed and to what is left due after the money.
 */
export function lateFeeForgivenByQuote(input: { paid: Money; quotedDue: Money; feesAfterQuote: Money }): Money {
  const { paid, quotedDue, feesAfterQuote } = input;
  const zero = zeroMoney(paid.currency);
  if (quotedDue.currency !== paid.currency || feesAfterQuote.currency !== paid.currency) return zero;
  return paid.amount >= quotedDue.amount ? maxMoney(feesAfterQuote, zero) : zero;
}

/** amount + fees owed at `instant` − fees waived − payments, never negative. */
export function amountDue(bill: DueBill, payments: readonly PaymentEntry[], policy: LateFeePolicy, instant: Date): Money {
  return assessBill(bill, payments, policy, instant).amountDue;
}
