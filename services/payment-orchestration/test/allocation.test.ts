// The pure allocation and fee rules, by example and by property.
import { describe, expect, it } from '@jest/globals';
import { money } from '@gateway/contracts';
import fc from 'fast-check';
import { dueOf, paymentLedgerLines, quotePayment, reversalLedgerLines } from '../src/domain/allocation.ts';
import type { PayableBill } from '../src/domain/allocation.ts';
import { feeFor, noFees } from '../src/domain/fees.ts';
import type { FeeSchedule } from '../src/domain/fees.ts';

const schedule: FeeSchedule = {
  schedules: [
    {
      currency: 'SYP',
      tiers: [
        { upTo: 1_000_000, fixed: 500, basisPoints: 0 },
        { upTo: 10_000_000, fixed: 0, basisPoints: 50 },
        { upTo: null, fixed: 50_000, basisPoints: 0 },
      ],
    },
  ],
};

const now = new Date('2026-02-01T10:00:00.000Z');

function aBill(overrides: Partial<PayableBill> = {}): PayableBill {
  return {
    billId: 'b1',
    externalBillId: 'x1',
    currency: 'SYP',
    amount: 100_000,
    lateFee: 0,
    allocated: 0,
    allowPartial: false,
    minAmount: 100_000,
    maxAmount: 100_000,
    essential: true,
    open: true,
    periodFrom: '2026-01-01',
    dueDate: '2026-02-28',
    expiresAt: null,
    ...overrides,
  };
}

describe('quotePayment', () => {
  it('pays named bills, oldest first', () => {
    const older = aBill({ billId: 'b-old', periodFrom: '2025-11-01' });
    const newer = aBill({ billId: 'b-new' });
    const quote = quotePayment({ bills: [newer, older], billIds: ['b-new', 'b-old'], amount: money(200_000, 'SYP'), feeSchedule: noFees, now });
    expect(quote).toMatchObject({ kind: 'ok', allocations: [{ billId: 'b-old', amount: 100_000 }, { billId: 'b-new', amount: 100_000 }] });
  });

  it('refuses with the catalogue codes', () => {
    const bill = aBill();
    const code = (input: Partial<Parameters<typeof quotePayment>[0]>) => {
      const q = quotePayment({ bills: [bill], amount: money(100_000, 'SYP'), feeSchedule: noFees, now, ...input });
      return q.kind === 'refused' ? q.code : 'ok';
    };
    expect(code({})).toBe('ok');
    expect(code({ amount: money(100_001, 'SYP') })).toBe('amount_out_of_range');
    expect(code({ amount: money(50_000, 'SYP') })).toBe('amount_out_of_range');
    expect(code({ amount: money(100_000, 'USD') })).toBe('currency_mismatch');
    expect(code({ bills: [aBill({ allocated: 100_000 })] })).toBe('bill_already_paid');
    expect(code({ bills: [aBill({ open: false })], billIds: ['b1'] })).toBe('bill_already_paid');
    expect(code({ bills: [aBill({ amount: 0, minAmount: 0, maxAmount: 0 })] })).toBe('no_amount_due');
    expect(code({ billIds: ['nope'] })).toBe('not_found');
    expect(code({ bills: [aBill({ allowPartial: true, minAmount: 60_000 })], amount: money(59_999, 'SYP') })).toBe('amount_out_of_range');
  });

  it('refuses a fee order past its expiresAt with order_expired, named or not, unless it is paid', () => {
    const order = aBill({ billId: 'fo', essential: false, expiresAt: '2026-02-01T10:00:00.000Z' });
    const code = (input: Partial<Parameters<typeof quotePayment>[0]>) => {
      const q = quotePayment({ bills: [order], amount: money(100_000, 'SYP'), feeSchedule: noFees, now, ...input });
      return q.kind === 'refused' ? q.code : 'ok';
    };
    // At the instant of expiry it is over; a millisecond before, it is payable.
    expect(code({})).toBe('order_expired');
    expect(code({ billIds: ['fo'] })).toBe('order_expired');
    expect(code({ now: new Date('2026-02-01T09:59:59.999Z') })).toBe('ok');
    // Billing may close the expired order's bill (canceled): still order_expired, not "already paid".
    expect(code({ bills: [{ ...order, open: false }], billIds: ['fo'] })).toBe('order_expired');
    // Paid before it expired: the order is paid, not expired.
    expect(code({ bills: [{ ...order, allocated: 100_000 }] })).toBe('bill_already_paid');
    // An expired order beside a telecom bill: an unnamed payment goes to the bill that can still be paid.
    const telecom = aBill({ billId: 't', periodFrom: '2027-01-01' });
    const quote = quotePayment({ bills: [order, telecom], amount: money(100_000, 'SYP'), feeSchedule: noFees, now });
    expect(quote).toMatchObject({ kind: 'ok', allocations: [{ billId: 't', amount: 100_000 }] });
  });

  it('honours a quote below the current total and waives the difference when it pays the quote in full', () => {
    const bill = aBill({ lateFee: 10_000 });
    const quote = quotePayment({ bills: [bill], amount: money(100_000, 'SYP'), quoted: [{ billId: 'b1', total: 100_000, currency: 'SYP' }], feeSchedule: noFees, now });
    expect(quote).toMatchObject({ kind: 'ok', allocations: [{ billId: 'b1', amount: 100_000, waived: 10_000 }] });
    expect(dueOf(bill, { billId: 'b1', total: 120_000, currency: 'SYP' })).toBe(110_000);
  });

  it('charges the fee on non-essential allocations only', () => {
    const essential = aBill({ billId: 'e', periodFrom: '2025-01-01' });
    const gov = aBill({ billId: 'g', essential: false, amount: 20_000, minAmount: 20_000, maxAmount: 20_000 });
    const quote = quotePayment({ bills: [essential, gov], amount: money(120_000, 'SYP'), feeSchedule: schedule, now });
    expect(quote).toMatchObject({ kind: 'ok', chargeableAmount: 20_000, fee: { amount: 500, currency: 'SYP' } });
  });

  it('never allocates more than is due, and allocations sum to the amount (property)', () => {
    const billArb = fc.record({
      amount: fc.integer({ min: 0, max: 1_000_000 }),
      lateFee: fc.integer({ min: 0, max: 100_000 }),
      allocated: fc.integer({ min: 0, max: 1_100_000 }),
      allowPartial: fc.boolean(),
      minAmount: fc.integer({ min: 0, max: 1_000_000 }),
      essential: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(billArb, { minLength: 1, maxLength: 4 }), fc.integer({ min: 1, max: 3_000_000 }), (shapes, amount) => {
        const bills = shapes.map((s, i) => aBill({ ...s, billId: `b${i}`, maxAmount: s.amount + s.lateFee, periodFrom: `2026-0${i + 1}-01` }));
        const quote = quotePayment({ bills, amount: money(amount, 'SYP'), feeSchedule: schedule, now });
        if (quote.kind === 'refused') return;
        expect(quote.allocations.reduce((s, a) => s + a.amount, 0)).toBe(amount);
        for (const a of quote.allocations) {
          const bill = bills.find((b) => b.billId === a.billId)!;
          expect(a.amount).toBeGreaterThan(0);
          expect(a.amount).toBeLessThanOrEqual(dueOf(bill));
          if (a.amount < dueOf(bill)) expect(bill.allowPartial).toBe(true);
        }
        expect(quote.fee.amount).toBeGreaterThanOrEqual(0);
        if (quote.chargeableAmount === 0) expect(quote.fee.amount).toBe(0);
      }),
    );
  });
});

describe('ledger lines', () => {
  it('balance for any payment and its reversal (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e12 }), fc.integer({ min: 0, max: 1e9 }), (amount, fee) => {
        const input = { channelId: 'c', billerId: 'b', amount: money(amount, 'SYP'), fee: money(fee, 'SYP') };
        const sum = (lines: { amount: number }[]) => lines.reduce((s, l) => s + l.amount, 0);
        expect(sum(paymentLedgerLines(input))).toBe(0);
        expect(sum(reversalLedgerLines(input))).toBe(0);
        expect(sum([...paymentLedgerLines(input), ...reversalLedgerLines(input)].filter((l) => l.account.startsWith('channel')))).toBe(0);
      }),
    );
  });
});

describe('feeFor', () => {
  it('picks the tier by amount; zero without a schedule for the currency or without a chargeable amount', () => {
    expect(feeFor(schedule, { currency: 'SYP', chargeableAmount: 1_000_000 }).amount).toBe(500);
    expect(feeFor(schedule, { currency: 'SYP', chargeableAmount: 2_000_000 }).amount).toBe(10_000);
    expect(feeFor(schedule, { currency: 'SYP', chargeableAmount: 20_000_000 }).amount).toBe(50_000);
    expect(feeFor(schedule, { currency: 'USD', chargeableAmount: 2_000_000 }).amount).toBe(0);
    expect(feeFor(schedule, { currency: 'SYP', chargeableAmount: 0 }).amount).toBe(0);
  });
});
