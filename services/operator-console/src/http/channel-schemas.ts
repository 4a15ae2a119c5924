// The Channels screen's shapes: the bank adapter's channel without what only the adapter needs.
import { channelWindowStatsSchema, idSchema, storableText } from '@gateway/contracts';
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
export const channelStatsSchema = z.object({ windowMinutes: z.number().int(), ...channelWindowStatsSchema.omit({ channelId: true }).shape });

export const channelWithStatsSchema = channelSchema.extend({ stats: channelStatsSchema.nullable() });
