import { describe, it, expect } from '@jest/globals';
import fc from 'fast-check';
import {
  CurrencyMismatchError,
  InvalidMoneyError,
  UnknownCurrencyError,
  addMoney,
  allocateProportionally,
  compareMoney,
  formatMoney,
  isZero,
  maxMoney,
  minMoney,
  money,
  moneySchema,
  percentOf,
  splitMoney,
  subtractMoney,
  sumMoney,
  toDecimalString,
  toMinorUnits,
} from '../src/index.ts';

// Amounts small enough that a sum of two stays safe, so properties test arithmetic, not overflow.
const amount = fc.integer({ min: -(2 ** 50), max: 2 ** 50 });
const syp = (n: number) => money(n, 'SYP');

describe('money construction', () => {
  it('refuses non-integers, NaN, infinities and unsafe integers', () => {
    for (const bad of [1.5, 0.1, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53, -(2 ** 53), Number.MAX_VALUE]) {
      expect(() => money(bad, 'SYP')).toThrow(InvalidMoneyError);
    }
    expect(() => toMinorUnits(2n ** 60n)).toThrow(InvalidMoneyError);
    expect(toMinorUnits(Number.MAX_SAFE_INTEGER)).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('refuses an unknown currency code', () => {
    expect(() => money(1, 'XXX')).toThrow(UnknownCurrencyError);
  });

  it('refuses a result that leaves the safe integer range', () => {
    expect(() => addMoney(syp(Number.MAX_SAFE_INTEGER), syp(1))).toThrow(InvalidMoneyError);
  });

  it('moneySchema accepts integer minor units and refuses floats and bad codes with a clear message', () => {
    expect(moneySchema.parse({ amount: 150000, currency: 'SYP' })).toEqual({ amount: 150000, currency: 'SYP' });
    const float = moneySchema.safeParse({ amount: 1500.5, currency: 'SYP' });
    expect(float.success).toBe(false);
    expect(float.error?.issues[0]?.message).toMatch(/integer/);
    const lower = moneySchema.safeParse({ amount: 1, currency: 'syp' });
    expect(lower.error?.issues[0]?.message).toMatch(/three uppercase letters/);
    const unknown = moneySchema.safeParse({ amount: 1, currency: 'XYZ' });
    expect(unknown.error?.issues[0]?.message).toMatch(/not a supported ISO 4217 code/);
    expect(moneySchema.safeParse({ amount: 2 ** 53, currency: 'SYP' }).success).toBe(false);
    expect(moneySchema.safeParse({ amount: '100', currency: 'SYP' }).success).toBe(false);
  });
});

describe('money arithmetic', () => {
  it('add and subtract are inverse', () => {
    fc.assert(
      fc.property(amount, amount, (a, b) => {
        expect(subtractMoney(addMoney(syp(a), syp(b)), syp(b))).toEqual(syp(a));
      }),
    );
  });

  it('add is commutative and results are always safe integers', () => {
    fc.assert(
      fc.property(amount, amount, (a, b) => {
        const sum = addMoney(syp(a), syp(b));
        expect(sum).toEqual(addMoney(syp(b), syp(a)));
        expect(Number.isSafeInteger(sum.amount)).toBe(true);
      }),
    );
  });

  it('throws CurrencyMismatchError whenever currencies differ', () => {
    const a = money(100, 'SYP');
    const b = money(100, 'USD');
    expect(() => addMoney(a, b)).toThrow(CurrencyMismatchError);
    expect(() => subtractMoney(a, b)).toThrow(CurrencyMismatchError);
    expect(() => compareMoney(a, b)).toThrow(CurrencyMismatchError);
    expect(() => minMoney(a, b)).toThrow(CurrencyMismatchError);
    expect(() => sumMoney([a, b])).toThrow(CurrencyMismatchError);
    expect(() => sumMoney([a], 'USD')).toThrow(CurrencyMismatchError);
  });

  it('compares, finds min and max, sums', () => {
    expect(compareMoney(syp(1), syp(2))).toBe(-1);
    expect(compareMoney(syp(2), syp(2))).toBe(0);
    expect(minMoney(syp(5), syp(3), syp(9))).toEqual(syp(3));
    expect(maxMoney(syp(5), syp(3), syp(9))).toEqual(syp(9));
    expect(sumMoney([syp(1), syp(2), syp(3)])).toEqual(syp(6));
    expect(sumMoney([], 'JOD')).toEqual(money(0, 'JOD'));
    expect(() => sumMoney([])).toThrow(InvalidMoneyError);
    expect(isZero(syp(0))).toBe(true);
    expect(isZero(syp(-0))).toBe(true);
  });

  it('allocations always sum to the whole, with integer shares, deterministically', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -(10 ** 12), max: 10 ** 12 }),
        fc.array(fc.integer({ min: 0, max: 10 ** 6 }), { minLength: 1, maxLength: 20 }).filter((w) => w.some((x) => x > 0)),
        (total, weights) => {
          const parts = allocateProportionally(syp(total), weights);
          expect(parts).toHaveLength(weights.length);
          expect(sumMoney(parts)).toEqual(syp(total));
          for (const p of parts) expect(Number.isInteger(p.amount)).toBe(true);
          weights.forEach((w, i) => {
            if (w === 0) expect(parts[i]?.amount).toBe(0);
          });
          expect(allocateProportionally(syp(total), weights)).toEqual(parts);
        },
      ),
    );
  });

  it('split gives parts that differ by at most one minor unit, earlier parts first', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 ** 12 }), fc.integer({ min: 1, max: 50 }), (total, n) => {
        const parts = splitMoney(syp(total), n).map((p) => p.amount);
        expect(parts.reduce((s, x) => s + x, 0)).toBe(total);
        expect(Math.max(...parts) - Math.min(...parts)).toBeLessThanOrEqual(1);
        expect([...parts].sort((a, b) => b - a)).toEqual(parts);
      }),
    );
    expect(splitMoney(syp(100), 3).map((m) => m.amount)).toEqual([34, 33, 33]);
  });

  it('percentOf rounds half-up with integer math', () => {
    expect(percentOf(syp(150000), 500)).toEqual(syp(7500));
    expect(percentOf(syp(1), 5000)).toEqual(syp(1)); // 0.5 → 1
    expect(percentOf(syp(1), 4999)).toEqual(syp(0));
    expect(percentOf(syp(3), 5000)).toEqual(syp(2)); // 1.5 → 2
    expect(percentOf(syp(-3), 5000)).toEqual(syp(-2)); // mirrors the positive case
    // Product beyond 2^53 is computed exactly with BigInt.
    expect(percentOf(syp(2 ** 52), 10000)).toEqual(syp(2 ** 52));
    expect(() => percentOf(syp(1), 1.5)).toThrow(InvalidMoneyError);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 ** 12 }), fc.integer({ min: 0, max: 10000 }), (a, bp) => {
        const r = percentOf(syp(a), bp).amount;
        expect(Number.isSafeInteger(r)).toBe(true);
        // |r − exact| ≤ 0.5 ⇔ |2·r·10000 − 2·a·bp| ≤ 10000, checked in BigInt.
        const diff = 2n * BigInt(r) * 10000n - 2n * BigInt(a) * BigInt(bp);
        expect(diff <= 10000n && diff > -10000n).toBe(true);
      }),
    );
  });
});

describe('formatting', () => {
  it('converts minor units to a decimal string without floats', () => {
    expect(toDecimalString(syp(150000))).toBe('1500.00');
    expect(toDecimalString(syp(5))).toBe('0.05');
    expect(toDecimalString(syp(-5))).toBe('-0.05');
    expect(toDecimalString(money(1005, 'JOD'))).toBe('1.005');
    expect(toDecimalString(money(7, 'JPY'))).toBe('7');
    expect(toDecimalString(syp(Number.MAX_SAFE_INTEGER))).toBe('90071992547409.91');
    // 0.1 + 0.2 style leakage cannot happen: every amount round-trips through its string exactly.
    fc.assert(
      fc.property(fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }), (n) => {
        const text = toDecimalString(syp(n));
        expect(text).toMatch(/^-?\d+\.\d{2}$/);
        expect(BigInt(text.replace('.', ''))).toBe(BigInt(n));
      }),
    );
  });

  it('formats for English with grouping and the currency exponent', () => {
    const en = formatMoney(syp(150000), 'en');
    expect(en).toContain('1,500.00');
    expect(en).toContain('SYP');
    expect(formatMoney(money(1005, 'JOD'), 'en')).toContain('1.005');
    expect(formatMoney(syp(Number.MAX_SAFE_INTEGER), 'en')).toContain('90,071,992,547,409.91');
  });

  it('formats for ar-SY with Arabic digits and separators', () => {
    const ar = formatMoney(syp(150000), 'ar-SY');
    expect(ar).toContain('١٬٥٠٠٫٠٠');
    expect(ar).toMatch(/ل\.س/);
  });
});
