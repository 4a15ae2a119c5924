// The Channels screen's shapes: the bank adapter's channel without what only the adapter needs.
import { idSchema, storableText } from '@gateway/contracts';
import { z } from 'zod';

export const channelSchema = z.object({
  channelId: z.string(),
  kind: z.enum(['bank', 'wallet']),
  displayName: z.string(),
  state: z.string().describe('closed, half_open, open or forced_off'),
  available: z.boolean(),
  forcedOff: z.object({ by: z.string(), at: z.string(), reason: z.string().nullable() }).nullable(),
});

export const channelParamsSchema = z.object({ channelId: idSchema });

export const switchBodySchema = z.strictObject({ reason: storableText().trim().min(3).max(500) });

/** The bank adapter's recent numbers for a channel (GET /v1/channels/stats); null when it did not answer them. */
export const channelStatsSchema = z.object({
  windowMinutes: z.number().int(),
  attempted: z.number().int(),
  succeeded: z.number().int(),
  failed: z.number().int(),
  successRate: z.number().nullable(),
  p95LatencyMs: z.number().int().nullable(),
  resolving: z.number().int().describe('Debits whose outcome the adapter is still asking the channel for'),
});

export const channelWithStatsSchema = channelSchema.extend({ stats: channelStatsSchema.nullable() });

const moneyShape = z.object({ amount: z.number().int(), currency: z.string() });

export const channelDetailsSchema = z.object({
  channelId: z.string(),
  transitions: z.array(z.object({ from: z.string(), to: z.string(), at: z.string(), reason: z.string().nullable(), actor: z.string().nullable() })),
  resolving: z.array(
    z.object({
      reference: z.string(),
      intentId: z.string(),
      amount: moneyShape,
      attempts: z.number().int(),
      unknownSince: z.string().nullable(),
      nextInquiryAt: z.string().nullable(),
      lastError: z.string().nullable(),
    }),
  ),
});
