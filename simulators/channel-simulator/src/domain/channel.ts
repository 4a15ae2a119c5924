// A simulated channel (a bank or a mobile-operator wallet) as plain data, read from config/channels.json.
// `dedupesByReference` is the property the bank adapter's retry rule hinges on: a repeat of our
// reference to a channel that dedupes is safe, to one that does not it is a second debit.
import { currencyCodeSchema } from '@gateway/contracts';
import type { CurrencyCode } from '@gateway/contracts';
import { z } from 'zod';

export type ChannelKind = 'bank' | 'wallet';

/** 10,000,000 minor units: 100,000.00 SYP, enough for any demo bill and small enough to run dry in a test. */
export const DEFAULT_DEMO_BALANCE = 10_000_000;

export interface ConfiguredAccount {
  /** An MSISDN for a wallet, an account number for a bank; normalised when the file is read. */
  readonly payer: string;
  readonly balance: number;
  /** A blocked account is declined (the deterministic way to exercise the decline path). */
  readonly blocked: boolean;
}

export interface Channel {
  readonly channelId: string;
  readonly kind: ChannelKind;
  readonly displayName: string;
  readonly port: number;
  readonly apiKey: string;
  readonly dedupesByReference: boolean;
  readonly currency: CurrencyCode;
  readonly demoBalance: number;
  readonly otpTtlMs: number;
  readonly otpAttempts: number;
  /** The business day of the settlement file; the gateway's business dates are Asia/Damascus too. */
  readonly settlementTimeZone: string;
  /**
   * Local HH:MM at which the channel's day closes: a movement from then on is in the next day's file.
   * The same value as the gateway's cut-off for the channel (payment orchestration's channels.json).
   */
  readonly settlementCutOff: string;
  readonly accounts: readonly ConfiguredAccount[];
}

const accountSchema = z.strictObject({
  payer: z.string().min(1),
  balance: z.number().int().nonnegative().refine(Number.isSafeInteger, 'must be a safe integer'),
  blocked: z.boolean().default(false),
});

export const channelSchema = z.strictObject({
  channelId: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'must be lowercase letters, digits and dashes'),
  kind: z.enum(['bank', 'wallet']),
  displayName: z.string().min(1).optional(),
  port: z.number().int().min(1).max(65535),
  apiKey: z.string().min(8),
  dedupesByReference: z.boolean(),
  currency: currencyCodeSchema,
  demoBalance: z.number().int().nonnegative().default(DEFAULT_DEMO_BALANCE),
  otpTtlMs: z.number().int().positive().default(5 * 60_000),
  otpAttempts: z.number().int().positive().default(3),
  settlementTimeZone: z.string().default('Asia/Damascus'),
  settlementCutOff: z
    .string()
    .regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, 'must be HH:MM (24 h)')
    .default('23:00'),
  accounts: z.array(accountSchema).default([]),
});

export const channelsFileSchema = z
  .strictObject({ channels: z.array(channelSchema).min(1) })
  .refine((file) => new Set(file.channels.map((c) => c.channelId)).size === file.channels.length, 'channelId must be unique')
  .refine((file) => new Set(file.channels.map((c) => c.port)).size === file.channels.length, 'port must be unique');
