// The operator API's request shapes and the channel list. The responses the console shows are in
// packages/contracts (http/bank-adapter.ts).
import { breakerStateSchema, idSchema, storableText } from '@gateway/contracts';
import { z } from 'zod';

export const channelIdParamsSchema = z.object({ channelId: idSchema });

export const forcedOffSchema = z.object({ by: z.string(), at: z.string(), reason: z.string().nullable() });

export const channelStatusSchema = z.object({
  channelId: z.string(),
  kind: z.enum(['bank', 'wallet']),
  displayName: z.string(),
  dedupesByReference: z.boolean(),
  // The state callers see: forced_off over the breaker's state.
  state: breakerStateSchema,
  available: z.boolean(),
  forcedOff: forcedOffSchema.nullable(),
});

export const channelListSchema = z.object({ channels: z.array(channelStatusSchema) });

export const forceOffBodySchema = z.strictObject({ reason: storableText().min(1).max(500).optional() }).optional();

export const channelStatsQuerySchema = z.strictObject({
  windowMinutes: z.coerce.number().int().min(1).max(1440).optional().describe('The window, in minutes back from now (default 15).'),
});

export const historyQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).optional().describe('How many transitions and unknown debits, 1–200 (default 50).'),
});

export const debitsQuerySchema = z.strictObject({
  intentIds: storableText()
    .max(4000)
    .transform((s) => s.split(','))
    // Orchestration's intent ids (pi_…): anything else cannot have a debit here, so it is the caller's mistake.
    .pipe(z.array(z.string().regex(/^pi_[A-Za-z0-9_-]{1,124}$/, 'must be a payment intent id (pi_…)')).min(1).max(100))
    .describe('Comma-separated payment intent ids (pi_…), 1–100.'),
});
