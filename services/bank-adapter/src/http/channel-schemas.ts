// The operator API's shapes for channels. Local to the adapter for now: only the dashboard reads them
// (moving them to packages/contracts is the step when the dashboard is built against them).
import { breakerStateSchema, idSchema, moneySchema, storableText } from '@gateway/contracts';
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

export const channelStatsSchema = z.object({
  windowMinutes: z.number().int(),
  from: z.string(),
  to: z.string(),
  channels: z.array(
    z.object({
      channelId: z.string(),
      attempted: z.number().int(),
      succeeded: z.number().int(),
      failed: z.number().int(),
      successRate: z.number().nullable(),
      p95LatencyMs: z.number().int().nullable(),
      resolving: z.number().int(),
    }),
  ),
});

export const historyQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).optional().describe('How many transitions and unknown debits, 1–200 (default 50).'),
});

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

export const debitsQuerySchema = z.strictObject({
  intentIds: storableText()
    .max(4000)
    .transform((s) => s.split(','))
    // Orchestration's intent ids (pi_…): anything else cannot have a debit here, so it is the caller's mistake.
    .pipe(z.array(z.string().regex(/^pi_[A-Za-z0-9_-]{1,124}$/, 'must be a payment intent id (pi_…)')).min(1).max(100))
    .describe('Comma-separated payment intent ids (pi_…), 1–100.'),
});

export const intentDebitsSchema = z.object({
  debits: z.array(
    z.object({
      intentId: z.string(),
      channelId: z.string(),
      reference: z.string(),
      state: z.string(),
      amount: moneySchema,
      channelRef: z.string().nullable(),
      channelTxnId: z.string().nullable(),
      failure: z.object({ reason: z.string().nullable(), code: z.string().nullable(), message: z.string().nullable() }).nullable(),
      inquiryAttempts: z.number().int(),
      sentAt: z.string().nullable(),
      answeredAt: z.string().nullable(),
      unknownSince: z.string().nullable(),
      nextInquiryAt: z.string().nullable(),
      lastError: z.string().nullable(),
      updatedAt: z.string(),
    }),
  ),
});
