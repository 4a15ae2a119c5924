// GET /v1/collections (billing, operator clients): what each biller collected through the gateway over a
// range of Damascus days, the telecom and the fee billers alike (docs/api.md, "Billing"). Counts are
// integers; money is integer minor units, one entry per currency.
import { z } from 'zod';
import { daysBetween } from '../business-date.ts';
import { moneySchema } from '../money.ts';
import { businessDateSchema, idSchema, timestampSchema } from '../primitives.ts';
import { isStorableDate } from '../storable-text.ts';

/** The longest range one answer covers, in days (a quarter): a wider one is a 400, not a slow scan. */
export const collectionsMaxDays = 92;

// Postgres has no year 0: such a date is a 400 naming the field, not a database error.
const day = businessDateSchema.refine(isStorableDate, { error: 'must be a date from 0001-01-01 on' });

// zod runs an object's refinements even when a field failed; these compare days, so only valid ones.
const whenValid = { when: (payload: { issues: readonly unknown[] }) => payload.issues.length === 0 };

// Both days or neither (then the current month in Asia/Damascus); `to` is included.
export const collectionsQuerySchema = z
  .strictObject({ from: day.optional(), to: day.optional() })
  .refine((q) => (q.from === undefined) === (q.to === undefined), { error: 'give both from and to, or neither', path: ['to'] })
  .refine((q) => q.from === undefined || q.to === undefined || q.from <= q.to, { error: 'must not be before from', path: ['to'], ...whenValid })
  .refine((q) => q.from === undefined || q.to === undefined || daysBetween(q.from, q.to) < collectionsMaxDays, {
    error: `a range covers at most ${collectionsMaxDays} days`,
    path: ['to'],
    ...whenValid,
  });
export type CollectionsQuery = z.infer<typeof collectionsQuerySchema>;

const count = z.number().int().nonnegative();

const collectionFiguresShape = {
  // Bills issued in the range (issue date), not canceled or reversed by the biller, and their amounts.
  billsIssued: count,
  amountIssued: z.array(moneySchema),
  // Bills paid in full now whose completing payment was made in the range (whenever they were issued).
  billsPaid: count,
  // Every payment still standing (not reversed) made in the range: the money it put on the biller's bills.
  amountCollected: z.array(moneySchema),
};
export const collectionFiguresSchema = z.object(collectionFiguresShape);
export type CollectionFigures = z.infer<typeof collectionFiguresSchema>;

export const collectionsResponseSchema = z.object({
  from: businessDateSchema,
  to: businessDateSchema,
  asOf: timestampSchema,
  // Every biller with a bill issued or a payment made in the range, by billerId. services: the same
  // figures per service, where the bills say it (a government fee order's service); [] for the telecom.
  billers: z.array(z.object({ billerId: idSchema, ...collectionFiguresShape, services: z.array(z.object({ serviceCode: idSchema, ...collectionFiguresShape })) })),
});
export type CollectionsResponse = z.infer<typeof collectionsResponseSchema>;
