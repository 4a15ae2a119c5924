// Money is an integer number of minor units plus an ISO 4217 code (docs/design.md). No float ever carries
// an amount: arithmetic is integer (BigInt where an intermediate product may pass 2^53), and formatting
// builds a decimal string by integer math before handing it to Intl.
import { z } from 'zod';

// The currency table is data, not logic: the 2026 redenomination of the Syrian pound (100 old = 1 new)
// shows that the currency of an amount must travel with it and never be assumed by code.
export const currencies = {
  SYP: { exponent: 2, name: 'Syrian pound' },
  USD: { exponent: 2, name: 'US dollar' },
  EUR: { exponent: 2, name: 'Euro' },
  GBP: { exponent: 2, name: 'Pound sterling' },
  JOD: { exponent: 3, name: 'Jordanian dinar' },
  IQD: { exponent: 3, name: 'Iraqi dinar' },
  KWD: { exponent: 3, name: 'Kuwaiti dinar' },
  BHD: { exponent: 3, name: 'Bahraini dinar' },
  OMR: { exponent: 3, name: 'Omani rial' },
  TND: { exponent: 3, name: 'Tunisian dinar' },
  LBP: { exponent: 2, name: 'Lebanese pound' },
  EGP: { exponent: 2, name: 'Egyptian pound' },
  SAR: { exponent: 2, name: 'Saudi riyal' },
  AED: { exponent: 2, name: 'UAE dirham' },
  TRY: { exponent: 2, name: 'Turkish lira' },
  JPY: { exponent: 0, name: 'Japanese yen' },
} as const satisfies Record<string, { exponent: number; name: string }>;

export type CurrencyCode = keyof typeof currencies;
export const currencyCodes = Object.keys(currencies) as CurrencyCode[];

export function isCurrencyCode(value: unknown): value is CurrencyCode {
  return typeof value === 'string' && Object.hasOwn(currencies, value);
}

export function currencyExponent(currency: CurrencyCode): number {
  const entry = (currencies as Record<string, { exponent: number }>)[currency];
  if (!entry) throw new UnknownCurrencyError(currency);
  return entry.exponent;
}

// zod's int() already refuses NaN, infinities, fractions and anything outside ±(2^53 − 1); the brand
// makes a plain `number` unassignable to an amount, so every amount passed through a check.
export const minorUnitsSchema = z
  .number({ error: 'amount must be an integer number of minor units' })
  .int({ error: 'amount must be a safe integer number of minor units (no fractions, no floats)' })
  .brand<'MinorUnits'>();
export type MinorUnits = z.infer<typeof minorUnitsSchema>;

// An enum over the table, so a parsed amount is typed `CurrencyCode` and consumers get a real `Money`;
// the message distinguishes a malformed code from one the table does not (yet) list.
export const currencyCodeSchema = z.enum(currencyCodes as [CurrencyCode, ...CurrencyCode[]], {
  error: (iss) =>
    typeof iss.input === 'string' && /^[A-Z]{3}$/.test(iss.input)
      ? `currency ${iss.input} is not a supported ISO 4217 code (supported: ${currencyCodes.join(', ')})`
      : 'currency must be three uppercase letters (ISO 4217), e.g. "SYP"',
});

export const moneySchema = z.object(
  { amount: minorUnitsSchema, currency: currencyCodeSchema },
  { error: 'money must be { amount: <integer minor units>, currency: "<ISO 4217 code>" }' },
);

export type Money = { readonly amount: MinorUnits; readonly currency: CurrencyCode };

export class CurrencyMismatchError extends Error {
  readonly code = 'currency_mismatch';
  readonly expected: string;
  readonly actual: string;
  constructor(expected: string, actual: string) {
    super(`currency mismatch: ${expected} vs ${actual}`);
    this.name = 'CurrencyMismatchError';
    this.expected = expected;
    this.actual = actual;
  }
}

export class InvalidMoneyError extends RangeError {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidMoneyError';
  }
}

export class UnknownCurrencyError extends RangeError {
  readonly currency: string;
  constructor(currency: string) {
    super(`unknown currency ${JSON.stringify(currency)}; supported: ${Object.keys(currencies).join(', ')}`);
    this.name = 'UnknownCurrencyError';
    this.currency = currency;
  }
}

export function toMinorUnits(value: number | bigint): MinorUnits {
  if (typeof value === 'bigint') {
    if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
      throw new InvalidMoneyError(`amount ${value} is outside the safe integer range`);
    }
    return Number(value) as MinorUnits;
  }
  if (!Number.isSafeInteger(value)) {
    throw new InvalidMoneyError(`amount ${value} is not a safe integer number of minor units`);
  }
  // -0 would print as "0" but compare oddly with Object.is; normalise it.
  return (value === 0 ? 0 : value) as MinorUnits;
}

export function money(amount: number | bigint, currency: string): Money {
  if (!isCurrencyCode(currency)) throw new UnknownCurrencyError(currency);
  return { amount: toMinorUnits(amount), currency };
}

export function zeroMoney(currency: string): Money {
  return money(0, currency);
}

function assertSameCurrency(a: Money, b: Money): void {
  if (a.currency !== b.currency) throw new CurrencyMismatchError(a.currency, b.currency);
}

export function addMoney(a: Money, b: Money): Money {
  assertSameCurrency(a, b);
  return { amount: toMinorUnits(a.amount + b.amount), currency: a.currency };
}

export function subtractMoney(a: Money, b: Money): Money {
  assertSameCurrency(a, b);
  return { amount: toMinorUnits(a.amount - b.amount), currency: a.currency };
}

export function negateMoney(a: Money): Money {
  return { amount: toMinorUnits(-(a.amount as number)), currency: a.currency };
}

export function compareMoney(a: Money, b: Money): -1 | 0 | 1 {
  assertSameCurrency(a, b);
  return a.amount < b.amount ? -1 : a.amount > b.amount ? 1 : 0;
}

export function moneyEquals(a: Money, b: Money): boolean {
  return a.currency === b.currency && a.amount === b.amount;
}

export function isZero(a: Money): boolean {
  return a.amount === 0;
}

export function isPositive(a: Money): boolean {
  return a.amount > 0;
}

export function isNegative(a: Money): boolean {
  return a.amount < 0;
}

export function minMoney(first: Money, ...rest: readonly Money[]): Money {
  return rest.reduce((m, x) => (compareMoney(x, m) < 0 ? x : m), first);
}

export function maxMoney(first: Money, ...rest: readonly Money[]): Money {
  return rest.reduce((m, x) => (compareMoney(x, m) > 0 ? x : m), first);
}

// The currency is needed to name the sum of an empty list; with items it is checked against them.
export function sumMoney(items: readonly Money[], currency?: CurrencyCode): Money {
  const first = items[0];
  const cur = currency ?? first?.currency;
  if (cur === undefined) throw new InvalidMoneyError('sumMoney of an empty list needs a currency');
  return items.reduce((acc, x) => addMoney(acc, x), zeroMoney(cur));
}

// Splits an amount by integer weights (largest remainder method). Shares sum exactly to the whole;
// leftover minor units go to the largest remainders, ties to the earlier index, so the result is
// deterministic and reproducible by anyone auditing a split.
export function allocateProportionally(total: Money, weights: readonly number[]): Money[] {
  if (weights.length === 0) throw new InvalidMoneyError('allocation needs at least one weight');
  for (const w of weights) {
    if (!Number.isSafeInteger(w) || w < 0) throw new InvalidMoneyError(`weight ${w} must be a non-negative safe integer`);
  }
  const weightSum = weights.reduce((s, w) => s + BigInt(w), 0n);
  if (weightSum === 0n) throw new InvalidMoneyError('allocation weights must not all be zero');
  const sign = total.amount < 0 ? -1n : 1n;
  const whole = BigInt(total.amount) * sign;
  const shares = weights.map((w, index) => {
    const product = whole * BigInt(w);
    return { index, share: product / weightSum, remainder: product % weightSum };
  });
  let left = whole - shares.reduce((s, x) => s + x.share, 0n);
  const byRemainder = [...shares].sort((x, y) =>
    x.remainder === y.remainder ? x.index - y.index : x.remainder > y.remainder ? -1 : 1,
  );
  for (const s of byRemainder) {
    if (left === 0n) break;
    s.share += 1n;
    left -= 1n;
  }
  return shares.map((s) => ({ amount: toMinorUnits(s.share * sign), currency: total.currency }));
}

// Equal parts; earlier parts carry the extra minor units.
export function splitMoney(total: Money, parts: number): Money[] {
  if (!Number.isSafeInteger(parts) || parts < 1) throw new InvalidMoneyError(`parts ${parts} must be a positive integer`);
  return allocateProportionally(total, Array.from({ length: parts }, () => 1));
}

// basisPoints / 10 000 of the amount (250 bp = 2.5 %), rounded half-up — i.e. half away from zero
// for a negative amount, so a fee and its reversal stay exact mirrors.
export function percentOf(value: Money, basisPoints: number): Money {
  if (!Number.isSafeInteger(basisPoints) || basisPoints < 0) {
    throw new InvalidMoneyError(`basisPoints ${basisPoints} must be a non-negative safe integer`);
  }
  const sign = value.amount < 0 ? -1n : 1n;
  const product = BigInt(value.amount) * sign * BigInt(basisPoints);
  let quotient = product / 10_000n;
  if ((product % 10_000n) * 2n >= 10_000n) quotient += 1n;
  return { amount: toMinorUnits(quotient * sign), currency: value.currency };
}

// "-1234567" with exponent 2 → "-12345.67", by string/BigInt arithmetic only.
export function toDecimalString(value: Money): string {
  const exponent = currencyExponent(value.currency);
  const negative = value.amount < 0;
  const digits = (negative ? -BigInt(value.amount) : BigInt(value.amount)).toString();
  if (exponent === 0) return (negative ? '-' : '') + digits;
  const padded = digits.padStart(exponent + 1, '0');
  const intPart = padded.slice(0, padded.length - exponent);
  const fraction = padded.slice(padded.length - exponent);
  return `${negative ? '-' : ''}${intPart}.${fraction}`;
}

export type MoneyLocale = 'ar-SY' | 'en';

// Intl.NumberFormat accepts a decimal string and formats it exactly (ES2023), so no amount passes
// through a binary float on its way to an SMS or a receipt.
export function formatMoney(value: Money, locale: MoneyLocale): string {
  const exponent = currencyExponent(value.currency);
  const formatter = new Intl.NumberFormat(locale, {
    style: 'currency',
    currency: value.currency,
    minimumFractionDigits: exponent,
    maximumFractionDigits: exponent,
  });
  return formatter.format(toDecimalString(value) as `${number}`);
}
