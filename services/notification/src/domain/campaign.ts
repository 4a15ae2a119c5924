// A campaign's states and its segment (who receives it): the rules the operator API checks a
// campaign against and the store selects recipients by.
//
//   scheduled → starting (batches being queued) → sending (all queued) → completed (none left queued)
//   scheduled | starting | sending → canceled (queued messages become suppressed)
import { accountNoSchema, holderClassSchema } from '@gateway/contracts';
import { z } from 'zod';

export const campaignStates = ['scheduled', 'starting', 'sending', 'completed', 'canceled'] as const;
export type CampaignState = (typeof campaignStates)[number];

/**
 * Who receives a campaign: bill contacts matching every filter given (AND). A filter left out does
 * not narrow; an empty segment is every holder with a mobile. Strict: a misspelt filter name must be
 * refused, not silently ignored, since ignoring it widens the audience.
 */
export const campaignSegmentSchema = z.strictObject({
  /** Compared case-insensitively: billing stores them lower-case ('damascus'), operators type 'Damascus'. */
  governorates: z.array(z.string().trim().min(1).max(64)).min(1).max(100).optional(),
  holderClasses: z.array(holderClassSchema).min(1).optional(),
  /** Only holders with a bill that is open, partially paid or overdue and has an amount due. */
  unpaidOnly: z.boolean().optional(),
  /** Exactly as billing stores them (national form, e.g. 0112345678). */
  accountNos: z.array(accountNoSchema).min(1).max(10_000).optional(),
});
export type CampaignSegment = z.infer<typeof campaignSegmentSchema>;

export function isEmptySegment(segment: CampaignSegment): boolean {
  return segment.governorates === undefined && segment.holderClasses === undefined && segment.unpaidOnly !== true && segment.accountNos === undefined;
}
