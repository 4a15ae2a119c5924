import { describe, expect, it } from '@jest/globals';
import { money } from '@gateway/contracts';
import fc from 'fast-check';
import { applyLateFee, applyPayment, applyReversal, deriveBillStatus, outstandingOf } from '../src/domain/bill-state.ts';
import type { BillState } from '../src/domain/bill-state.ts';

const syp = (amount: number) => money(amount, 'SYP');
const fresh = (amount = 150_000): BillState => ({ amount: syp(amount), lateFee: syp(0), paidAmount: syp(0), dueDate: '2026-05-31', status: 'open', revision: 1 });

describe('bill state machine', () => {
  it('moves open → partially_paid → paid, and a reversal reopens it by amounts and date', () => {
    const part = applyPayment(fresh(), syp(50_000), '2026-05-20');
    expect(part.state).toMatchObject({ status: 'partially_paid', revision: 2 });
    expect(part.settled).toBe(false);
    const full = applyPayment(part.state, syp(100_000), '2026-05-21');
    expect(full.state.status).toBe('paid');
    expect(full.settled).toBe(true);
    expect(applyReversal(full.state, syp(100_000), '2026-05-22').state.status).toBe('partially_paid');
    expect(applyReversal(full.state, syp(100_000), '2026-06-02').state.status).toBe('overdue');
    expect(applyReversal(applyReversal(full.state, syp(100_000), '2026-05-22').state, syp(50_000), '2026-05-22').state.status).toBe('open');
  });

  it('keeps over-payments apart and takes nothing for a voided bill', () => {
    const over = applyPayment(fresh(), syp(200_000), '2026-05-20');
    expect([over.applied, over.excess]).toEqual([syp(150_000), syp(50_000)]);
    const voided = applyPayment({ ...fresh(), status: 'canceled' }, syp(150_000), '2026-05-20');
    expect([voided.applied, voided.excess, voided.state.status]).toEqual([syp(0), syp(150_000), 'canceled']);
  });

  it('is overdue past the due date while anything is owed, fees included', () => {
    const withFee = applyLateFee(applyPayment(fresh(), syp(150_000), '2026-05-20').state, syp(7_500), '2026-07-01');
    expect(withFee.status).toBe('overdue');
    expect(outstandingOf(withFee)).toEqual(syp(7_500));
  });

  it('settles a quoted payment with its waiver off the late fee, forgives no more than is left, and a reversal owes the fee again', () => {
    const overdue: BillState = { ...fresh(), lateFee: syp(15_000), status: 'overdue' };
    const quoted = applyPayment(overdue, syp(150_000), '2026-07-01', syp(15_000));
    expect([quoted.applied, quoted.waived, quoted.excess, quoted.settled]).toEqual([syp(150_000), syp(15_000), syp(0), true]);
    expect(quoted.state).toMatchObject({ status: 'paid', lateFee: syp(0), paidAmount: syp(150_000) });
    // More waiver than fee, or than the money left owed: only what is still owed is forgiven.
    expect(applyPayment(overdue, syp(160_000), '2026-07-01', syp(20_000)).waived).toEqual(syp(5_000));
    expect(applyPayment({ ...overdue, status: 'canceled' }, syp(150_000), '2026-07-01', syp(15_000)).waived).toEqual(syp(0));
    const back = applyReversal(quoted.state, quoted.applied, '2026-07-02', quoted.waived);
    expect(back.reopened).toBe(true);
    expect(back.state).toMatchObject({ status: 'overdue', lateFee: syp(15_000), paidAmount: syp(0) });
    expect(outstandingOf(back.state)).toEqual(syp(165_000));
  });

  it('by property: paid exactly when nothing is owed; revision always grows; paid never exceeds what was owed', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.array(fc.tuple(fc.constantFrom('pay', 'reverse', 'fee'), fc.integer({ min: 0, max: 5_000_000 }), fc.integer({ min: -10, max: 60 })), { maxLength: 12 }),
        (amount, ops) => {
          let state = fresh(amount);
          for (const [op, value, dayOffset] of ops) {
            const day = `2026-${dayOffset < 0 ? '05' : '06'}-${String(Math.min(28, Math.abs(dayOffset) + 1)).padStart(2, '0')}`;
            const before = state.revision;
            if (op === 'pay') state = applyPayment(state, syp(value), day).state;
            else if (op === 'reverse') state = applyReversal(state, syp(value), day).state;
            else state = applyLateFee(state, syp(value), day);
            expect(state.revision).toBe(before + 1);
            expect(state.paidAmount.amount).toBeLessThanOrEqual(state.amount.amount + state.lateFee.amount);
            expect(state.paidAmount.amount).toBeGreaterThanOrEqual(0);
            expect(state.status === 'paid').toBe(outstandingOf(state).amount === 0);
            expect(deriveBillStatus(state, day)).toBe(state.status);
          }
        },
      ),
    );
  });
});
