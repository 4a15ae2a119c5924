import { describe, expect, it } from '@jest/globals';
import { holderClasses, money, sumMoney } from '@gateway/contracts';
import type { BusinessDate, Money } from '@gateway/contracts';
import fc from 'fast-check';
import { amountDue, assessBill, feesOwedOn, firstFeeDate, lateFeeForgivenByQuote } from '../src/domain/amount-due.ts';
import type { DueBill, PaymentEntry } from '../src/domain/amount-due.ts';
import { addDays, businessDateOf, nextBusinessMidnight, startOfBusinessDate } from '@gateway/contracts';
import { defaultLateFeePolicy, loadLateFeePolicy } from '../src/domain/late-fee-policy.ts';
import type { LateFeePolicy } from '../src/domain/late-fee-policy.ts';

const syp = (amount: number): Money => money(amount, 'SYP');
const at = (iso: string) => new Date(iso);
const individual = (amount: number, dueDate: BusinessDate = '2026-05-31'): DueBill => ({ amount: syp(amount), dueDate, holderClass: 'individual' });

describe('business dates in Asia/Damascus', () => {
  it('takes the local date, not the UTC one, around midnight', () => {
    // 21:00 UTC is midnight in Damascus (UTC+3 all year since 2022).
    expect(businessDateOf(at('2026-06-30T20:59:59.999Z'))).toBe('2026-06-30');
    expect(businessDateOf(at('2026-06-30T21:00:00.000Z'))).toBe('2026-07-01');
    expect(startOfBusinessDate('2026-07-01').toISOString()).toBe('2026-06-30T21:00:00.000Z');
    expect(nextBusinessMidnight(at('2026-06-30T12:00:00Z')).toISOString()).toBe('2026-06-30T21:00:00.000Z');
    expect(nextBusinessMidnight(at('2026-06-30T21:00:00Z')).toISOString()).toBe('2026-07-01T21:00:00.000Z');
  });

  it('does calendar arithmetic across months and leap days', () => {
    expect(addDays('2026-05-31', 31)).toBe('2026-07-01');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2026-01-01', -1)).toBe('2025-12-31');
  });
});

describe('amountDue by example (default policy)', () => {
  it('owes the bill alone through the grace month, then 5 % from the day after it', () => {
    const bill = individual(150_000);
    expect(amountDue(bill, [], defaultLateFeePolicy, at('2026-05-31T12:00:00Z'))).toEqual(syp(150_000));
    // Last instant of 2026-06-30 in Damascus: grace ends (due date + 30 days).
    expect(amountDue(bill, [], defaultLateFeePolicy, at('2026-06-30T20:59:59.999Z'))).toEqual(syp(150_000));
    // The contract's example: 7 500 applied on 2026-07-01.
    expect(amountDue(bill, [], defaultLateFeePolicy, at('2026-06-30T21:00:00.000Z'))).toEqual(syp(157_500));
  });

  it('clips the fixed second step to the 10 % cap', () => {
    const fees = feesOwedOn(individual(150_000), [], defaultLateFeePolicy, '2026-07-31');
    expect(fees.map((f) => [f.step, f.amount.amount, f.startsOn])).toEqual([
      [1, 7_500, '2026-07-01'],
      [2, 7_500, '2026-07-31'],
    ]);
  });

  it('computes a percentage on what was unpaid when the step started, and subtracts payments', () => {
    const payments: PaymentEntry[] = [{ kind: 'payment', amount: syp(100_000), occurredAt: '2026-06-15T09:00:00Z' }];
    const a = assessBill(individual(150_000), payments, defaultLateFeePolicy, at('2026-07-02T09:00:00Z'));
    expect(a.fees[0]?.base).toEqual(syp(50_000));
    expect(a.lateFee).toEqual(syp(2_500));
    expect(a.amountDue).toEqual(syp(52_500));
  });

  it('charges nothing when the bill was paid before grace ended, and never goes negative', () => {
    const payments: PaymentEntry[] = [{ kind: 'payment', amount: syp(200_000), occurredAt: '2026-06-20T09:00:00Z' }];
    const a = assessBill(individual(150_000), payments, defaultLateFeePolicy, at('2026-09-01T09:00:00Z'));
    expect(a.fees).toEqual([]);
    expect(a.amountDue).toEqual(syp(0));
    expect(a.overpaid).toEqual(syp(50_000));
  });

  it('counts a reversal from its own date: the fee base grows back', () => {
    const payments: PaymentEntry[] = [
      { kind: 'payment', amount: syp(150_000), occurredAt: '2026-06-10T09:00:00Z' },
      { kind: 'reversal', amount: syp(150_000), occurredAt: '2026-06-11T09:00:00Z' },
    ];
    expect(amountDue(individual(150_000), payments, defaultLateFeePolicy, at('2026-07-01T09:00:00Z'))).toEqual(syp(157_500));
  });

  it('takes a waived late fee off what is due (a quote honoured across the fee), and owes it again once reversed', () => {
    const paid: PaymentEntry = { kind: 'payment', amount: syp(150_000), waivedLateFee: syp(7_500), occurredAt: '2026-07-01T09:00:00Z' };
    const a = assessBill(individual(150_000), [paid], defaultLateFeePolicy, at('2026-07-01T12:00:00Z'));
    expect(a.lateFee).toEqual(syp(7_500));
    expect(a.waived).toEqual(syp(7_500));
    expect(a.amountDue).toEqual(syp(0));
    expect(a.overpaid).toEqual(syp(0));
    const reversal: PaymentEntry = { ...paid, kind: 'reversal', occurredAt: '2026-07-01T10:00:00Z' };
    expect(amountDue(individual(150_000), [paid, reversal], defaultLateFeePolicy, at('2026-07-01T12:00:00Z'))).toEqual(syp(157_500));
  });

  it('defers public entities by 60 days and exempts a class marked exempt', () => {
    const entity: DueBill = { amount: syp(1_000_000), dueDate: '2026-05-31', holderClass: 'public_entity' };
    expect(firstFeeDate('2026-05-31', defaultLateFeePolicy.classes.public_entity)).toBe('2026-08-30');
    expect(feesOwedOn(entity, [], defaultLateFeePolicy, '2026-08-29')).toEqual([]);
    expect(feesOwedOn(entity, [], defaultLateFeePolicy, '2026-08-30').map((f) => f.amount)).toEqual([syp(20_000)]);
    const exempt = loadLateFeePolicy({
      ...defaultLateFeePolicy,
      classes: { ...defaultLateFeePolicy.classes, public_entity: { ...defaultLateFeePolicy.classes.public_entity, exemption: { kind: 'exempt' } } },
    });
    expect(amountDue(entity, [], exempt, at('2027-01-01T00:00:00Z'))).toEqual(syp(1_000_000));
  });
});

// ---- properties ----

const baseDay = Date.UTC(2025, 0, 1);
const dateArb = fc.integer({ min: 0, max: 3 * 365 }).map((d) => addDays('2025-01-01', d));

const moneyStepArb = fc.oneof(
  fc.record({ kind: fc.constant('fixed' as const), amount: fc.integer({ min: 1, max: 1_000_000 }) }),
  fc.record({ kind: fc.constant('percent' as const), basisPoints: fc.integer({ min: 1, max: 3_000 }) }),
);

const classPolicyArb = fc.record({
  graceDays: fc.integer({ min: 0, max: 60 }),
  steps: fc.array(fc.tuple(fc.integer({ min: 0, max: 40 }), moneyStepArb), { maxLength: 4 }),
  capAmount: fc.option(fc.integer({ min: 0, max: 2_000_000 }), { nil: undefined }),
  capBasisPoints: fc.option(fc.integer({ min: 0, max: 5_000 }), { nil: undefined }),
  exemption: fc.oneof(
    fc.constant({ kind: 'none' as const }),
    fc.constant({ kind: 'exempt' as const }),
    fc.integer({ min: 0, max: 90 }).map((days) => ({ kind: 'deferred' as const, days })),
  ),
  partialPayments: fc.boolean(),
});

// Random but valid policies: steps get strictly increasing start offsets from cumulative gaps.
const policyArb: fc.Arbitrary<LateFeePolicy> = fc.tuple(classPolicyArb, classPolicyArb, classPolicyArb).map((perClass) => {
  const classes = Object.fromEntries(
    holderClasses.map((c, i) => {
      const p = perClass[i]!;
      let offset = -1;
      const steps = p.steps.map(([gap, step]) => {
        offset += gap + 1;
        return step.kind === 'fixed'
          ? { kind: 'fixed', daysAfterGrace: offset, amount: { amount: step.amount, currency: 'SYP' } }
          : { kind: 'percent', daysAfterGrace: offset, basisPoints: step.basisPoints };
      });
      const cap = {
        ...(p.capAmount === undefined ? {} : { amount: { amount: p.capAmount, currency: 'SYP' } }),
        ...(p.capBasisPoints === undefined ? {} : { basisPoints: p.capBasisPoints }),
      };
      return [c, { graceDays: p.graceDays, steps, cap, exemption: p.exemption, partialPayments: p.partialPayments, minPayment: null, cutOff: null }];
    }),
  );
  return loadLateFeePolicy({ name: 'prop', classes });
});

const anyPolicyArb = fc.oneof(fc.constant(defaultLateFeePolicy), policyArb);

const billArb: fc.Arbitrary<DueBill> = fc.record({
  amount: fc.integer({ min: 0, max: 1_000_000_000 }).map(syp),
  dueDate: dateArb,
  holderClass: fc.constantFrom(...holderClasses),
});

// An instant on the given local day: anywhere in it, with extra weight right after midnight and
// right before the next one, where an offset bug would show.
const msInDayArb = fc.oneof(
  fc.integer({ min: 0, max: 86_399_999 }),
  fc.integer({ min: 0, max: 5_000 }),
  fc.integer({ min: 86_395_000, max: 86_399_999 }),
);
const instantOn = (date: BusinessDate, ms: number) => new Date(startOfBusinessDate(date).getTime() + ms);
const instantNearArb = (bill: DueBill) =>
  fc.tuple(fc.integer({ min: -5, max: 200 }), msInDayArb).map(([offset, ms]) => instantOn(addDays(bill.dueDate, offset), ms));

// Payments up to the bill's amount, some of them later reversed (a reversal never exceeds its payment),
// some forgiving a late fee (an inquiry quote honoured across a fee), which their reversal undoes.
const paymentsArb = (bill: DueBill): fc.Arbitrary<PaymentEntry[]> =>
  fc
    .array(
      fc.record({
        amount: fc.integer({ min: 1, max: Math.max(1, bill.amount.amount) }),
        paidOffset: fc.integer({ min: -30, max: 150 }),
        reversedAfter: fc.option(fc.integer({ min: 0, max: 10 }), { nil: undefined }),
        waived: fc.option(fc.integer({ min: 0, max: 60_000 }), { nil: undefined }),
        ms: msInDayArb,
      }),
      { maxLength: 4 },
    )
    .map((items) =>
      items.flatMap((p) => {
        const paidOn = addDays(bill.dueDate, p.paidOffset);
        const waivedLateFee = p.waived === undefined ? undefined : syp(p.waived);
        const entries: PaymentEntry[] = [{ kind: 'payment', amount: syp(p.amount), waivedLateFee, occurredAt: instantOn(paidOn, p.ms) }];
        if (p.reversedAfter !== undefined) {
          entries.push({ kind: 'reversal', amount: syp(p.amount), waivedLateFee, occurredAt: instantOn(addDays(paidOn, p.reversedAfter), p.ms) });
        }
        return entries;
      }),
    );

const scenarioArb = billArb.chain((bill) => fc.tuple(fc.constant(bill), paymentsArb(bill), anyPolicyArb, instantNearArb(bill)));

function net(payments: readonly PaymentEntry[]): number {
  return payments.reduce((s, p) => s + (p.kind === 'payment' ? p.amount.amount : 0 - p.amount.amount), 0);
}

function netWaived(payments: readonly PaymentEntry[]): number {
  return payments.reduce((s, p) => s + (p.kind === 'payment' ? 1 : -1) * (p.waivedLateFee?.amount ?? 0), 0);
}

const withoutWaivers = (payments: readonly PaymentEntry[]): PaymentEntry[] => payments.map((p) => ({ ...p, waivedLateFee: undefined }));

describe('amountDue properties', () => {
  it('is never negative', () => {
    fc.assert(
      fc.property(scenarioArb, ([bill, payments, policy, instant]) => {
        expect(amountDue(bill, payments, policy, instant).amount).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 500 },
    );
  });

  it('equals amount + fees − waivers − payments (floored at zero, the rest reported as overpaid)', () => {
    fc.assert(
      fc.property(scenarioArb, ([bill, payments, policy, instant]) => {
        const a = assessBill(bill, payments, policy, instant);
        const fees = sumMoney(
          a.fees.map((f) => f.amount),
          'SYP',
        ).amount;
        // A waiver forgives fees only: never more than they come to, never below none.
        const waived = Math.min(Math.max(netWaived(payments), 0), fees);
        const gross = bill.amount.amount + fees - waived - net(payments);
        expect(a.lateFee.amount).toBe(fees);
        expect(a.waived.amount).toBe(waived);
        expect(a.amountDue.amount).toBe(Math.max(0, gross));
        expect(a.overpaid.amount).toBe(Math.max(0, -gross));
      }),
      { numRuns: 500 },
    );
  });

  it('a waiver lowers what is due by at most the late fee, and never changes the fees charged', () => {
    fc.assert(
      fc.property(scenarioArb, ([bill, payments, policy, instant]) => {
        const withWaivers = assessBill(bill, payments, policy, instant);
        const without = assessBill(bill, withoutWaivers(payments), policy, instant);
        expect(withWaivers.fees).toEqual(without.fees);
        expect(withWaivers.amountDue.amount).toBeLessThanOrEqual(without.amountDue.amount);
        expect(withWaivers.amountDue.amount).toBeGreaterThanOrEqual(without.amountDue.amount - without.lateFee.amount);
      }),
      { numRuns: 500 },
    );
  });

  it('never changes between two instants of the same local day', () => {
    fc.assert(
      fc.property(
        billArb.chain((bill) => fc.tuple(fc.constant(bill), paymentsArb(bill), anyPolicyArb, fc.integer({ min: -5, max: 200 }), msInDayArb, msInDayArb)),
        ([bill, payments, policy, offset, ms1, ms2]) => {
          const day = addDays(bill.dueDate, offset);
          const t1 = instantOn(day, ms1);
          const t2 = instantOn(day, ms2);
          expect(businessDateOf(t1)).toBe(day);
          expect(businessDateOf(t2)).toBe(day);
          expect(amountDue(bill, payments, policy, t1)).toEqual(amountDue(bill, payments, policy, t2));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('owes no fee on or before the end of grace, and respects the cap', () => {
    fc.assert(
      fc.property(scenarioArb, ([bill, payments, policy, instant]) => {
        const rules = policy.classes[bill.holderClass];
        const a = assessBill(bill, payments, policy, instant);
        const first = firstFeeDate(bill.dueDate, rules);
        if (first === null || a.businessDate < first) expect(a.fees).toEqual([]);
        if (rules.cap.amount) expect(a.lateFee.amount).toBeLessThanOrEqual(rules.cap.amount.amount);
        if (rules.cap.basisPoints !== undefined) {
          // The cap in basis points rounds half-up, so it may exceed the exact share by under one unit.
          expect(a.lateFee.amount * 10_000).toBeLessThanOrEqual(bill.amount.amount * rules.cap.basisPoints + 5_000);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('flips exactly at local midnight across the first fee date, and only grows with time when nothing is paid', () => {
    fc.assert(
      fc.property(billArb, fc.integer({ min: 1, max: 1_000 }), (bill, lateBy) => {
        const rules = defaultLateFeePolicy.classes[bill.holderClass];
        const first = firstFeeDate(bill.dueDate, rules)!;
        const midnight = startOfBusinessDate(first);
        const before = amountDue(bill, [], defaultLateFeePolicy, new Date(midnight.getTime() - 1));
        const after = amountDue(bill, [], defaultLateFeePolicy, midnight);
        expect(before).toEqual(bill.amount);
        // 2 % or more of any amount of at least 25 minor units is at least one unit.
        if (bill.amount.amount >= 25) expect(after.amount).toBeGreaterThan(before.amount);
        const later = amountDue(bill, [], defaultLateFeePolicy, new Date(midnight.getTime() + lateBy * 3_600_000));
        expect(later.amount).toBeGreaterThanOrEqual(after.amount);
      }),
      { numRuns: 300 },
    );
  });

  it('reads the local date through Intl the same as UTC+3 (Syria since 2022)', () => {
    fc.assert(
      fc.property(fc.integer({ min: baseDay, max: baseDay + 3 * 365 * 86_400_000 }), (ms) => {
        const shifted = new Date(ms + 3 * 3_600_000).toISOString().slice(0, 10);
        expect(businessDateOf(new Date(ms))).toBe(shifted);
      }),
      { numRuns: 300 },
    );
  });
});

describe('lateFeeForgivenByQuote', () => {
  it('forgives the fees applied after the quote when the whole quoted amount is paid, and nothing otherwise', () => {
    expect(lateFeeForgivenByQuote({ paid: syp(150_000), quotedDue: syp(150_000), feesAfterQuote: syp(7_500) })).toEqual(syp(7_500));
    expect(lateFeeForgivenByQuote({ paid: syp(160_000), quotedDue: syp(150_000), feesAfterQuote: syp(7_500) })).toEqual(syp(7_500));
    // A partial payment of the quote, or a quote in another currency, forgives nothing.
    expect(lateFeeForgivenByQuote({ paid: syp(149_999), quotedDue: syp(150_000), feesAfterQuote: syp(7_500) })).toEqual(syp(0));
    expect(lateFeeForgivenByQuote({ paid: syp(150_000), quotedDue: money(150_000, 'USD'), feesAfterQuote: syp(7_500) })).toEqual(syp(0));
    // No fee after the quote: nothing to forgive.
    expect(lateFeeForgivenByQuote({ paid: syp(150_000), quotedDue: syp(150_000), feesAfterQuote: syp(0) })).toEqual(syp(0));
  });
});
