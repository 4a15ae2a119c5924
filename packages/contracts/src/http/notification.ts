// Notification's operator API (docs/api.md, "Notification (operators)"): campaigns, their segment
// and its preview, a subscriber's SMS and opt-outs. Shared by notification, which serves them, and
// the operator console, which checks a form against the same rules before calling it and shows the
// answers.
//
// A campaign's states:
//   scheduled → starting (batches being queued) → sending (all queued) → completed (none left queued)
//   scheduled | starting | sending → canceled (queued messages become suppressed)
import { z } from 'zod';
import { accountNoSchema, holderClassSchema, timestampSchema } from '../primitives.ts';
import { isStorableText, unstorableTextMessage } from '../storable-text.ts';

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
export type CampaignPreview = z.infer<typeof campaignPreviewSchema>;

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

export type CampaignProgressView = z.infer<typeof campaignProgressSchema>;

export const campaignListSchema = z.object({ campaigns: z.array(campaignProgressSchema), nextCursor: z.string().nullable() });
export type CampaignList = z.infer<typeof campaignListSchema>;

// GET /v1/messages?to=: every SMS to one subscriber, newest first.
export const smsMessageSchema = z.object({
  messageId: z.string(),
  template: z.string(),
  locale: z.enum(['ar', 'en']),
  state: z.enum(['queued', 'submitted', 'delivered', 'failed', 'expired', 'suppressed']),
  body: z.string(),
  accountNo: z.string().nullable(),
  campaignId: z.string().nullable(),
  sourceEventId: z.string().nullable(),
  urgent: z.boolean(),
  notBefore: z.string().describe('Not sent before: a reminder time, a campaign start, the end of quiet hours, a retry.'),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  encoding: z.enum(['gsm7', 'ucs2']).nullable(),
  createdAt: z.string(),
  submittedAt: z.string().nullable(),
  doneAt: z.string().nullable(),
  parts: z.array(z.object({ seq: z.number().int(), smscMessageId: z.string(), state: z.string(), errorCode: z.string().nullable(), doneAt: z.string().nullable() })),
});
export type SmsMessage = z.infer<typeof smsMessageSchema>;

export const smsMessagesSchema = z.object({ to: z.string(), messages: z.array(smsMessageSchema) });
export type SmsMessages = z.infer<typeof smsMessagesSchema>;

// GET /v1/opt-outs?msisdn= (one subscriber) and GET /v1/opt-outs (the list).
export const optOutStateSchema = z.object({
  msisdn: z.string().describe('E.164'),
  optedOut: z.boolean(),
  changedAt: z.string().nullable(),
  via: z.string().nullable().describe('What the subscriber sent (STOP, START, توقف…) or the operator who changed it.'),
  history: z.array(z.object({ optedOut: z.boolean(), via: z.string(), at: z.string() })).describe('Newest first, at most 100.'),
});

export const optOutListSchema = z.object({
  optOuts: z.array(z.object({ msisdn: z.string(), changedAt: z.string(), via: z.string() })),
  nextCursor: z.string().nullable(),
});
export type OptOutState = z.infer<typeof optOutStateSchema>;
export type OptOutList = z.infer<typeof optOutListSchema>;
