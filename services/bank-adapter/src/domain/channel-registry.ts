// The channel registry: every bank or wallet the adapter can debit, read from config/channels.json.
// Adding a channel is an entry here (plus, at most, a connector class when its API differs from the
// ones we have). Everything that varies per channel lives here: where it is, how we authenticate,
// how long we wait, when its breaker opens, how many calls it takes at once, whether it deduplicates
// by our reference, and how patiently we ask it about an outcome we do not know.
import { z } from 'zod';

export const channelKinds = ['bank', 'wallet'] as const;
export type ChannelKind = (typeof channelKinds)[number];

/** The connector classes this build knows; a channel names one (its kind's by default). */
export const connectorNames = ['bank-rest', 'wallet-rest'] as const;
export type ConnectorName = (typeof connectorNames)[number];

const ms = z.number().int().positive();

export const breakerSettingsSchema = z.object({
  // A call slower than this counts as a breaker timeout and its HTTP request is aborted.
  timeoutMs: ms,
  errorThresholdPercentage: z.number().int().min(1).max(100),
  // Calls in the rolling window before the percentage counts.
  volumeThreshold: z.number().int().min(1),
  resetTimeoutMs: ms,
  rollingCountTimeoutMs: ms,
});
export type BreakerSettings = z.infer<typeof breakerSettingsSchema>;

const hourMs = 3_600_000;

export const statusInquirySchema = z
  .object({
    // Delay before each status inquiry after an unknown outcome; past the list the last delay
    // repeats, until the finality window ends.
    backoffMs: z.array(ms).min(1).max(50),
    // The channel's own finality window, counted from the send: how long a debit it has taken may
    // still be queued there before it moves money or is dropped for good. Until it ends, "the channel
    // has no debit with our reference" proves nothing (a bank may apply a queued debit hours later),
    // so the debit stays unknown and the schedule goes on; after it, not_found is final (failed) and
    // an inquiry that still gets no answer sends the debit to reconciliation (exhausted). The day's
    // settlement statement can end the wait earlier (see afterInquiry). Hours, never seconds.
    finalityWindowMs: z
      .number()
      .int()
      .min(hourMs, { error: 'finalityWindowMs must be at least one hour (3600000): a queued debit can arrive hours late' })
      .max(14 * 24 * hourMs),
  })
  .refine((s) => Math.max(...s.backoffMs) <= s.finalityWindowMs, { error: 'every backoffMs delay must fit in finalityWindowMs', path: ['backoffMs'] });
export type StatusInquirySettings = z.infer<typeof statusInquirySchema>;

export const channelDefinitionSchema = z
  .object({
    channelId: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, { error: 'channelId must be lower-case letters, digits and dashes' }),
    kind: z.enum(channelKinds),
    connector: z.enum(connectorNames).optional(),
    displayName: z.string().min(1),
    baseUrl: z.url({ protocol: /^https?$/ }),
    apiKey: z.string().min(1),
    breaker: breakerSettingsSchema,
    // Calls in flight at once from one replica; more wait their turn (the channel's own limit).
    concurrency: z.number().int().min(1).max(10_000),
    // True only when the channel documents that a repeat of our reference returns the original debit.
    dedupesByReference: z.boolean(),
    statusInquiry: statusInquirySchema,
    // 5xx statuses this channel documents as "refused before any effect" (e.g. its outage answer).
    // Any other 5xx, and every timeout, leaves the outcome UNKNOWN.
    noEffectStatuses: z.array(z.number().int().min(500).max(599)).default([]),
  })
  .transform((c) => ({ ...c, connector: c.connector ?? (c.kind === 'bank' ? 'bank-rest' : 'wallet-rest') }) as const);
export type ChannelDefinition = z.output<typeof channelDefinitionSchema>;

export const channelRegistrySchema = z
  .object({ channels: z.array(channelDefinitionSchema).min(1) })
  .refine((r) => new Set(r.channels.map((c) => c.channelId)).size === r.channels.length, { error: 'channelId must be unique', path: ['channels'] });
export type ChannelRegistry = z.output<typeof channelRegistrySchema>;

export function channelById(registry: ChannelRegistry, channelId: string): ChannelDefinition | undefined {
  return registry.channels.find((c) => c.channelId === channelId);
}
