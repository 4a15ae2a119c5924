// Fee rules (docs/design.md): essential bills (telephone, internet) carry no commission for the citizen;
// other payments carry a configurable tier. Pure: the schedule is data loaded by config.ts.
import { currencyCodeSchema, money, percentOf, zeroMoney } from '@gateway/contracts';
import type { CurrencyCode, Money } from '@gateway/contracts';
import { z } from 'zod';

const minor = z.number().int().min(0);

export const feeTierSchema = z.object({
  // Inclusive upper bound in minor units; null for the last, open-ended tier.
  upTo: minor.nullable(),
  fixed: minor,
  basisPoints: z.number().int().min(0).max(10_000),
});

export const feeScheduleSchema = z.object({
  schedules: z
    .array(z.object({ currency: currencyCodeSchema, tiers: z.array(feeTierSchema).min(1) }))
    .refine((s) => new Set(s.map((x) => x.currency)).size === s.length, { error: 'one schedule per currency' }),
});
export type FeeSchedule = z.infer<typeof feeScheduleSchema>;
export type FeeTier = z.infer<typeof feeTierSchema>;

export const noFees: FeeSchedule = { schedules: [] };

function tierFor(tiers: readonly FeeTier[], amount: number): FeeTier | undefined {
  return tiers.find((t) => t.upTo === null || amount <= t.upTo) ?? tiers[tiers.length - 1];
}

/**
 * The fee on top of a payment. Only the part of the payment that goes to non-essential bills is
 * charged, so a payment that touches only essential bills is free and a mixed one is charged on the
 * rest. A currency without a schedule carries no fee (a new currency must not be charged by accident).
 */
export function feeFor(schedule: FeeSchedule, input: { currency: CurrencyCode; chargeableAmount: number }): Money {
  const { currency, chargeableAmount } = input;
  if (chargeableAmount <= 0) return zeroMoney(currency);
  const tiers = schedule.schedules.find((s) => s.currency === currency)?.tiers;
  if (tiers === undefined) return zeroMoney(currency);
  const tier = tierFor(tiers, chargeableAmount);
  if (tier === undefined) return zeroMoney(currency);
  const variable = percentOf(money(chargeableAmount, currency), tier.basisPoints);
  return money(tier.fixed + variable.amount, currency);
}
