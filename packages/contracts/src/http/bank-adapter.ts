// The bank adapter's operator reads of channel behaviour (docs/api.md, "Bank adapter"):
// GET /v1/channels/stats, GET /v1/channels/{channelId}/history and GET /v1/debits?intentIds=. Shared
// by the adapter, which serves them, the operator console, which passes them on, and the console's
// browser screens, which show them.
import { z } from 'zod';
import { breakerStateSchema } from '../events/payloads/channel.ts';
import { moneySchema } from '../money.ts';

/** One channel's debits over the window. */
export const channelWindowStatsSchema = z.object({
  channelId: z.string(),
  attempted: z.number().int(),
  succeeded: z.number().int(),
  failed: z.number().int(),
  /** succeeded / (succeeded + failed) over the window; null when none ended yet. */
  successRate: z.number().nullable(),
  p95LatencyMs: z.number().int().nullable(),
  /** Debits (of any age) whose outcome the adapter is asking the channel for now. */
  resolving: z.number().int().describe('Debits whose outcome the adapter is still asking the channel for'),
});
export type ChannelWindowStats = z.infer<typeof channelWindowStatsSchema>;

export const channelStatsSchema = z.object({
  windowMinutes: z.number().int(),
  from: z.string(),
  to: z.string(),
  channels: z.array(channelWindowStatsSchema),
});
export type ChannelStatsResponse = z.infer<typeof channelStatsSchema>;

export const channelHistorySchema = z.object({
  channelId: z.string(),
  transitions: z.array(z.object({ from: breakerStateSchema, to: breakerStateSchema, at: z.string(), reason: z.string().nullable(), actor: z.string().nullable() })),
  resolving: z.array(
    z.object({
      reference: z.string(),
      intentId: z.string(),
      amount: moneySchema,
      attempts: z.number().int(),
      unknownSince: z.string().nullable(),
      nextInquiryAt: z.string().nullable(),
      lastError: z.string().nullable(),
    }),
  ),
});
export type ChannelHistory = z.infer<typeof channelHistorySchema>;

/** The adapter's record of an intent's debit: what the channel answered, the status inquiries made. */
export const intentDebitSchema = z.object({
  intentId: z.string(),
  channelId: z.string(),
  reference: z.string(),
  state: z.string(),
  amount: moneySchema,
  channelRef: z.string().nullable(),
  channelTxnId: z.string().nullable(),
  failure: z.object({ reason: z.string().nullable(), code: z.string().nullable(), message: z.string().nullable() }).nullable(),
  /** Status inquiries made since the outcome became unknown. */
  inquiryAttempts: z.number().int(),
  sentAt: z.string().nullable(),
  answeredAt: z.string().nullable(),
  unknownSince: z.string().nullable(),
  nextInquiryAt: z.string().nullable(),
  lastError: z.string().nullable(),
  updatedAt: z.string(),
});
export type IntentDebit = z.infer<typeof intentDebitSchema>;

export const intentDebitsSchema = z.object({ debits: z.array(intentDebitSchema) });

/**
 * GET /v1/channels/{channelId}/debits/{reference}: what the channel says NOW about the debit with our
 * reference (a live status inquiry through the channel's breaker) and, when it debited, about its
 * reversal; beside the adapter's own records of the debit and its refund. The evidence a complaint's
 * automatic check (payment orchestration) and an operator weigh: the channel's word, not ours.
 */
export const debitInquirySchema = z.object({
  channelId: z.string(),
  reference: z.string(),
  inquiredAt: z.string(),
  channel: z.object({
    status: z.enum(['succeeded', 'failed', 'otp_required', 'not_found']),
    /** What the channel debited (succeeded only). */
    amount: moneySchema.nullable(),
    channelRef: z.string().nullable(),
    txnId: z.string().nullable(),
    debitedAt: z.string().nullable(),
    failure: z.object({ reason: z.string(), code: z.string().nullable(), message: z.string() }).nullable(),
  }),
  /** The channel's word on giving the debit back; null when it did not debit (nothing to give back). */
  reversal: z.object({ status: z.enum(['reversed', 'not_reversed', 'not_found']), reversedAt: z.string().nullable() }).nullable(),
  /** The adapter's record of the debit; null when it never sent one with this reference. */
  debit: intentDebitSchema.nullable(),
  /** The adapter's record of the refund of the debit; null when none was asked for. */
  refund: z
    .object({
      state: z.string(),
      amount: moneySchema,
      reversalId: z.string().nullable(),
      refundedAt: z.string().nullable(),
      failure: z.object({ code: z.string().nullable(), message: z.string().nullable() }).nullable(),
      attempts: z.number().int(),
      lastError: z.string().nullable(),
    })
    .nullable(),
});
export type DebitInquiry = z.infer<typeof debitInquirySchema>;
