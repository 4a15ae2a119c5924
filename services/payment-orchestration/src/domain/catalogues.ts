// The billers and channels the gateway offers, as loaded from config/billers.json and channels.json.
// Pure schemas and lookups; config.ts reads the files.
import { billerSchema, channelKinds, idSchema } from '@gateway/contracts';
import { z } from 'zod';
import type { Refusal } from './allocation.ts';

export const billerCatalogueSchema = z.object({
  billers: z
    .array(billerSchema)
    .min(1)
    .refine((b) => new Set(b.map((x) => x.billerId)).size === b.length, { error: 'billerId must be unique' }),
});
export type BillerCatalogue = z.infer<typeof billerCatalogueSchema>;

// "HH:MM" local time of the settlement cut-off.
const cutOffSchema = z.string().regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, { error: 'cut-off must be HH:MM (24 h)' });

export const channelCatalogueSchema = z.object({
  // Business dates and cut-offs are in the scheme's zone (docs/api.md: Asia/Damascus).
  timezone: z.string().min(1).default('Asia/Damascus'),
  defaultCutOff: cutOffSchema.default('23:00'),
  channels: z
    .array(
      z.object({
        channelId: idSchema,
        kind: z.enum(channelKinds),
        displayName: z.string().min(1),
        cutOff: cutOffSchema.optional(),
        // How long a debit (or the refund giving it back) may go without a final outcome before the
        // turnaround engine acts (jobs/turnaround.sweeper.ts); absent: TURNAROUND_DEFAULT.
        turnaroundMs: z.number().int().min(60_000).max(30 * 86_400_000).optional(),
      }),
    )
    .min(1)
    .refine((c) => new Set(c.map((x) => x.channelId)).size === c.length, { error: 'channelId must be unique' }),
});
export type ChannelCatalogue = z.infer<typeof channelCatalogueSchema>;
export type ChannelEntry = ChannelCatalogue['channels'][number];

export function cutOffOf(catalogue: ChannelCatalogue, channelId: string): string {
  return catalogue.channels.find((c) => c.channelId === channelId)?.cutOff ?? catalogue.defaultCutOff;
}

/** The channel's turnaround (its own, or `defaultMs`, config's TURNAROUND_DEFAULT). */
export function turnaroundOf(catalogue: ChannelCatalogue, channelId: string, defaultMs: number): number {
  return catalogue.channels.find((c) => c.channelId === channelId)?.turnaroundMs ?? defaultMs;
}

export type Biller = BillerCatalogue['billers'][number];

/**
 * The one biller-known check (bill inquiry, a channel's payment, an intent's creation): a biller the
 * catalogue does not list is biller_not_found.
 */
export function findBiller(catalogue: BillerCatalogue, billerId: string): { kind: 'found'; biller: Biller } | Refusal {
  const biller = catalogue.billers.find((b) => b.billerId === billerId);
  if (biller === undefined) return { kind: 'refused', code: 'biller_not_found', message: `Biller ${billerId} is not known to the gateway.` };
  return { kind: 'found', biller };
}
