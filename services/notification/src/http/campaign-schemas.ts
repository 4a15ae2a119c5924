// The operator API's shapes for campaigns. Local to notification for now: only the dashboard reads
// them (moving them to packages/contracts is the step when the dashboard is built against them).
import { isStorableText, timestampSchema, unstorableTextMessage } from '@gateway/contracts';
import { z } from 'zod';
import { campaignSegmentSchema, campaignStates, isEmptySegment } from '../domain/campaign.ts';

// Text that Postgres cannot hold or no handset could show (NUL, other control characters, unpaired
// surrogates) is refused with the contracts' one rule: a 400 naming the field instead of a 500 or a
// silently altered SMS.
const storable = { error: unstorableTextMessage };

/**
 * 1,000 characters: SMPP concatenation would allow 255 parts (some 17,000 characters), but every part
 * is paid for per recipient and Arabic goes as UCS-2 at 67 characters a part, so 1,000 is already 15
 * parts to each of up to millions of subscribers; handsets also reassemble long chains unreliably.
 * A campaign that needs more than that belongs on a web page the SMS links to.
 */
export const maxCampaignTextLength = 1_000;

const campaignTextSchema = z
  .string()
  .max(maxCampaignTextLength, { error: `must be at most ${maxCampaignTextLength} characters` })
  .refine((t) => t.trim().length > 0, { error: 'must not be empty' })
  .refine(isStorableText, storable);

export const campaignSegmentBodySchema = z
  .strictObject({
    ...campaignSegmentSchema.shape,
    all: z.boolean().optional().describe('Must be true, and alone, to send to every holder with a mobile.'),
  })
  .superRefine((segment, ctx) => {
    const { all, ...filters } = segment;
    // Nobody texts the whole country by leaving the segment out by mistake.
    if (all !== true && isEmptySegment(filters)) {
      ctx.addIssue({ code: 'custom', path: ['all'], message: 'an empty segment means every holder with a mobile; send "all": true to mean that' });
    }
    if (all === true && !isEmptySegment(filters)) {
      ctx.addIssue({ code: 'custom', path: ['all'], message: '"all": true cannot be combined with filters; send either' });
    }
    for (const [field, values] of [
      ['governorates', filters.governorates],
      ['accountNos', filters.accountNos],
    ] as const) {
      const bad = values?.findIndex((v) => !isStorableText(v)) ?? -1;
      if (bad >= 0) ctx.addIssue({ code: 'custom', path: [field, bad], message: storable.error });
    }
  });

export const createCampaignBodySchema = z.strictObject({
  name: z.string().trim().min(1).max(200).refine(isStorableText, storable),
  text: z.strictObject({
    ar: campaignTextSchema.describe('Sent to Arabic-speaking holders, and to English-speaking ones when there is no English text.'),
    en: campaignTextSchema.nullable().optional(),
  }),
  segment: campaignSegmentBodySchema,
  startAt: timestampSchema.optional().describe('When sending may begin: from 5 minutes ago to 60 days ahead; now if left out.'),
});
export type CreateCampaignBody = z.infer<typeof createCampaignBodySchema>;

export const previewCampaignBodySchema = z.strictObject({ segment: campaignSegmentBodySchema });

export const campaignPreviewSchema = z.object({
  recipients: z.number().int().describe('Mobiles the campaign would text now: one per mobile, opted-out numbers excluded.'),
  optedOut: z.number().int().describe('Mobiles of the segment that opted out.'),
  withoutMobile: z.number().int().describe('Accounts of the segment with no mobile on any matching bill.'),
});

export const campaignIdParamsSchema = z.object({ campaignId: z.guid({ error: 'must be a campaign id (a UUID)' }) });

export const cancelCampaignBodySchema = z.strictObject({ reason: z.string().trim().min(1).max(500).refine(isStorableText, storable).optional() }).nullish();

const countsSchema = z.object({
  queued: z.number().int(),
  submitted: z.number().int(),
  delivered: z.number().int(),
  failed: z.number().int(),
  expired: z.number().int(),
  suppressed: z.number().int(),
});

export const campaignProgressSchema = z.object({
  campaignId: z.string(),
  name: z.string(),
  state: z.enum(campaignStates),
  startAt: z.string(),
  createdBy: z.string(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  completedAt: z.string().nullable(),
  canceledAt: z.string().nullable(),
  recipients: z.number().int().describe('Messages queued so far; opted-out numbers get none and are not counted.'),
  counts: countsSchema.describe('The campaign’s messages by state.'),
});

export const campaignListSchema = z.object({ campaigns: z.array(campaignProgressSchema), nextCursor: z.string().nullable() });
