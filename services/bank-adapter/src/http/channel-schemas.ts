// The operator API's shapes for channels. Local to the adapter for now: only the dashboard reads them
// (moving them to packages/contracts is the step when the dashboard is built against them).
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
