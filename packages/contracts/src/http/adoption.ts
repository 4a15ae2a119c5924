// GET /v1/adoption (billing, operator clients): the share of a billing cycle's bills paid through the
// gateway, the mission's own measure of the move away from cash (docs/api.md, "Billing"). Counts are
// integers and the share is their ratio; money is integer minor units, one entry per currency.
import { z } from 'zod';
import { moneySchema } from '../money.ts';
import { businessDateSchema, holderClassSchema, idSchema, timestampSchema, yearMonthSchema } from '../primitives.ts';

export const adoptionQuerySchema = z.strictObject({ cycle: yearMonthSchema.optional() });

const count = z.number().int().nonnegative();
// billsPaidViaGateway / billsIssued, from the two integer counts beside it; null when nothing was issued.
const share = z.number().min(0).max(1).nullable();

const adoptionFiguresShape = {
  billsIssued: count,
  billsPaidViaGateway: count,
  share,
  amountIssued: z.array(moneySchema),
  amountPaidViaGateway: z.array(moneySchema),
};
export const adoptionFiguresSchema = z.object(adoptionFiguresShape);
export type AdoptionFigures = z.infer<typeof adoptionFiguresSchema>;

export const adoptionResponseSchema = z.object({
  cycle: yearMonthSchema,
  // The cycle's first and last issue dates (Asia/Damascus business dates).
  from: businessDateSchema,
  to: businessDateSchema,
  asOf: timestampSchema,
  totals: adoptionFiguresSchema,
  // Governorate from the line's area code (billing's table); null for a code it does not list.
  byGovernorate: z.array(z.object({ governorate: z.string().nullable(), ...adoptionFiguresShape })),
  byHolderClass: z.array(z.object({ holderClass: holderClassSchema, ...adoptionFiguresShape })),
  // A paid bill counts for the channel of the payment that completed it; amounts are every live payment's
  // money by its channel. channelId null: applied before billing recorded channels.
  byChannel: z.array(
    z.object({ channelId: idSchema.nullable(), billsPaidViaGateway: count, share, amountPaidViaGateway: z.array(moneySchema) }),
  ),
  daily: z.array(
    z.object({
      date: businessDateSchema,
      issued: count,
      paid: count,
      cumulativeIssued: count,
      cumulativePaid: count,
      cumulativeShare: share,
    }),
  ),
  // Every public entity's balance now, across all cycles: what its payable bills still owe.
  publicEntities: z.array(z.object({ entityId: idSchema, name: z.string(), lines: count, outstanding: z.array(moneySchema) })),
});
export type AdoptionResponse = z.infer<typeof adoptionResponseSchema>;
