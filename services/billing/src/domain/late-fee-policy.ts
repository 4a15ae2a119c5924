// The late-fee and cut-off policy, per holder class. The historical rule (docs/design.md) is one month of
// grace, then a percentage fine, then a one-way cut, then a two-way cut; the numbers change by decree,
// so they are configuration (config/late-fee-policy.json), validated here before the service starts.
import { holderClasses, moneySchema } from '@gateway/contracts';
import type { HolderClass } from '@gateway/contracts';
import { z } from 'zod';

const days = (what: string) =>
  z.number({ error: `${what} must be a whole number of days` }).int({ error: `${what} must be a whole number of days` }).min(0, { error: `${what} must not be negative` }).max(3650);

// Each step starts `daysAfterGrace` days after the first day past grace; its amount is either fixed
// or a share (basis points, 250 = 2.5 %) of what was still unpaid when the step started.
const fixedStepSchema = z.object({
  kind: z.literal('fixed'),
  daysAfterGrace: days('daysAfterGrace'),
  amount: moneySchema,
});
const percentStepSchema = z.object({
  kind: z.literal('percent'),
  daysAfterGrace: days('daysAfterGrace'),
  basisPoints: z
    .number()
    .int({ error: 'basisPoints must be an integer (250 = 2.5 %); percentages are never floats' })
    .min(1)
    .max(10_000),
});
const stepSchema = z.discriminatedUnion('kind', [fixedStepSchema, percentStepSchema], {
  error: 'a step is { "kind": "fixed", "amount": {…} } or { "kind": "percent", "basisPoints": n }, each with "daysAfterGrace"',
});

const exemptionSchema = z.discriminatedUnion(
  'kind',
  [
    z.object({ kind: z.literal('none') }),
    // No fee ever (e.g. public entities, whose payments go through a budget cycle).
    z.object({ kind: z.literal('exempt') }),
    // Fees start `days` later than for everyone else.
    z.object({ kind: z.literal('deferred'), days: days('exemption.days') }),
  ],
  { error: 'exemption must be { "kind": "none" | "exempt" } or { "kind": "deferred", "days": n }' },
);

const classPolicySchema = z
  .object({
    graceDays: days('graceDays'),
    steps: z.array(stepSchema).max(20),
    // The total of all fees on one bill never passes either bound (the smaller one wins).
    cap: z
      .object({ amount: moneySchema.optional(), basisPoints: z.number().int().min(0).max(100_000).optional() })
      .default({}),
    exemption: exemptionSchema.default({ kind: 'none' }),
    partialPayments: z.boolean(),
    // The least one partial payment may be (the whole amount due when less).
    minPayment: moneySchema.nullable().default(null),
    // Days after the due date on which the telecom cuts the line one way, then both ways. null: never
    // cut (no bill.overdue is emitted, since the event exists to announce a suspension).
    cutOff: z
      .object({ oneWayAfterDays: days('cutOff.oneWayAfterDays'), twoWayAfterDays: days('cutOff.twoWayAfterDays') })
      .refine((c) => c.oneWayAfterDays >= 1, { error: 'cutOff.oneWayAfterDays must be at least 1 (the day after the due date)' })
      .refine((c) => c.twoWayAfterDays > c.oneWayAfterDays, { error: 'cutOff.twoWayAfterDays must be after oneWayAfterDays' })
      .nullable(),
  })
  .refine((p) => p.steps.every((s, i) => i === 0 || s.daysAfterGrace > (p.steps[i - 1]?.daysAfterGrace ?? -1)), {
    error: 'steps must be in strictly increasing daysAfterGrace order',
    path: ['steps'],
  });

export const lateFeePolicySchema = z.object({
  // Named in every bill.late-fee-applied event, so an auditor knows which rule charged a fee.
  name: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,59}$/, { error: 'name must be a short slug such as "ste-2026"' }),
  classes: z.object(
    Object.fromEntries(holderClasses.map((c) => [c, classPolicySchema])) as Record<HolderClass, typeof classPolicySchema>,
    { error: `classes must name every holder class: ${holderClasses.join(', ')}` },
  ),
});

export type LateFeePolicy = z.output<typeof lateFeePolicySchema>;
export type ClassLateFeePolicy = LateFeePolicy['classes'][HolderClass];
export type LateFeeStep = ClassLateFeePolicy['steps'][number];

export class LateFeePolicyError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`invalid late-fee policy: ${problems.join('; ')}`);
    this.name = 'LateFeePolicyError';
    this.problems = problems;
  }
}

/** Validates a parsed policy document; throws LateFeePolicyError naming every problem at once. */
export function loadLateFeePolicy(json: unknown): LateFeePolicy {
  const result = lateFeePolicySchema.safeParse(json);
  if (result.success) return result.data;
  throw new LateFeePolicyError(
    result.error.issues.map((issue) => `${issue.path.length > 0 ? issue.path.map(String).join('.') : '(policy)'}: ${issue.message}`),
  );
}

export function classPolicy(policy: LateFeePolicy, holderClass: HolderClass): ClassLateFeePolicy {
  return policy.classes[holderClass];
}

/**
 * The policy used when no file is configured. Mirrors config/late-fee-policy.json (a test keeps them
 * equal): individuals get 30 days of grace, then 5 %, then a fixed fee a month later; businesses the
 * same without the fixed fee but with partial payments; public entities are deferred 60 days and
 * never cut, because their lines serve hospitals and schools and they pay through a budget cycle.
 */
export const defaultLateFeePolicy: LateFeePolicy = loadLateFeePolicy({
  name: 'ste-2026',
  classes: {
    individual: {
      graceDays: 30,
      steps: [
        { kind: 'percent', daysAfterGrace: 0, basisPoints: 500 },
        { kind: 'fixed', daysAfterGrace: 30, amount: { amount: 50_000, currency: 'SYP' } },
      ],
      cap: { basisPoints: 1_000 },
      exemption: { kind: 'none' },
      partialPayments: false,
      minPayment: null,
      cutOff: { oneWayAfterDays: 52, twoWayAfterDays: 83 },
    },
    business: {
      graceDays: 30,
      steps: [{ kind: 'percent', daysAfterGrace: 0, basisPoints: 500 }],
      cap: { basisPoints: 1_000 },
      exemption: { kind: 'none' },
      partialPayments: true,
      minPayment: { amount: 100_000, currency: 'SYP' },
      cutOff: { oneWayAfterDays: 52, twoWayAfterDays: 83 },
    },
    public_entity: {
      graceDays: 30,
      steps: [{ kind: 'percent', daysAfterGrace: 0, basisPoints: 200 }],
      cap: { amount: { amount: 5_000_000, currency: 'SYP' }, basisPoints: 500 },
      exemption: { kind: 'deferred', days: 60 },
      partialPayments: true,
      minPayment: { amount: 100_000, currency: 'SYP' },
      cutOff: null,
    },
  },
});
