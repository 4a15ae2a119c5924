// Fee schedules of the government fee billers (issue 16): per biller and service, the fees with the
// Asia/Damascus day each applies from. An order is priced by the fee in force on its own business day
// and keeps that price (fee_orders stores it), so a new entry changes only orders made from its day on.
// Configuration, not data: services/billing/config/fee-schedules.json (FEE_SCHEDULES_FILE), read and
// checked once at start like the late-fee policy.
import { businessDateSchema, idSchema, moneyInputSchema } from '@gateway/contracts';
import type { BusinessDate, Money } from '@gateway/contracts';
import { z } from 'zod';

const feeEntrySchema = z.strictObject({
  effectiveFrom: businessDateSchema,
  amount: moneyInputSchema.refine((m) => m.amount > 0, { error: 'a fee must be more than zero' }),
  // How long an order priced by this fee may wait for its payment; FEE_ORDER_TTL when absent.
  orderTtlDays: z.number().int().min(1).max(90).optional(),
});

const feeServiceSchema = z.strictObject({
  serviceCode: idSchema,
  fees: z
    .array(feeEntrySchema)
    .min(1)
    .refine((fees) => new Set(fees.map((f) => f.effectiveFrom)).size === fees.length, { error: 'two fees of one service start on the same day' }),
});

export const feeSchedulesFileSchema = z.strictObject({
  billers: z
    .array(
      z.strictObject({
        billerId: idSchema,
        services: z
          .array(feeServiceSchema)
          .min(1)
          .refine((services) => new Set(services.map((s) => s.serviceCode)).size === services.length, { error: 'a serviceCode is listed twice' }),
      }),
    )
    .refine((billers) => new Set(billers.map((b) => b.billerId)).size === billers.length, { error: 'a billerId is listed twice' }),
});

export type FeeEntry = { effectiveFrom: BusinessDate; amount: Money; orderTtlMs: number };
/** billerId → serviceCode → fees, oldest effectiveFrom first. */
export type FeeSchedules = ReadonlyMap<string, ReadonlyMap<string, readonly FeeEntry[]>>;

export class FeeScheduleError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`invalid fee schedules: ${problems.join('; ')}`);
    this.name = 'FeeScheduleError';
    this.problems = problems;
  }
}

/** Validates the file's JSON; `defaultTtlMs` (FEE_ORDER_TTL) for entries that name no TTL of their own. */
export function loadFeeSchedules(json: unknown, defaultTtlMs: number): FeeSchedules {
  const parsed = feeSchedulesFileSchema.safeParse(json);
  if (!parsed.success) throw new FeeScheduleError(parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`));
  const schedules = new Map<string, Map<string, FeeEntry[]>>();
  for (const biller of parsed.data.billers) {
    const services = new Map<string, FeeEntry[]>();
    for (const service of biller.services) {
      const fees = service.fees
        .map((f) => ({ effectiveFrom: f.effectiveFrom, amount: { amount: f.amount.amount, currency: f.amount.currency }, orderTtlMs: f.orderTtlDays === undefined ? defaultTtlMs : f.orderTtlDays * 86_400_000 }))
        .sort((a, b) => a.effectiveFrom.localeCompare(b.effectiveFrom));
      services.set(service.serviceCode, fees);
    }
    schedules.set(biller.billerId, services);
  }
  return schedules;
}

/** The fee in force on `day` (the latest entry that started on or before it), and the next one after it. */
export function feesOn(fees: readonly FeeEntry[], day: BusinessDate): { current: FeeEntry | null; next: FeeEntry | null } {
  let current: FeeEntry | null = null;
  for (const fee of fees) {
    if (fee.effectiveFrom > day) return { current, next: fee };
    current = fee;
  }
  return { current, next: null };
}
