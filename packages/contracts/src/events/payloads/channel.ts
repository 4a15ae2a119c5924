// channel.* payloads. Commands (channels.commands) go from orchestration to the bank adapter; results
// (channels.results) come back. `reference` is our id for the debit: channels that deduplicate by it
// make a retried debit safe, and the adapter never re-sends a debit to one that does not.
import { z } from 'zod';
import { moneySchema } from '../../money.ts';
import { accountNoSchema, idSchema, timestampSchema } from '../../primitives.ts';
import { failureReasonSchema, payerSchema } from './intent.ts';

const commandShape = {
  intentId: idSchema,
  channelId: idSchema,
  reference: z.string().min(1).max(64),
};

export const channelDebitRequestedV1 = z.object({
  ...commandShape,
  // Total to debit from the payer: bills plus fee.
  amount: moneySchema,
  payer: payerSchema,
  billerId: idSchema,
  accountNo: accountNoSchema,
  description: z.string().min(1).max(140),
  requestedAt: timestampSchema,
  // The adapter does not start a debit after this instant; the intent would be expired.
  expiresAt: timestampSchema,
});

export const channelOtpSubmittedV1 = z.object({
  ...commandShape,
  // Sensitive: consumers must never log it (the kit's logger redacts `otp`).
  otp: z.string().regex(/^[0-9]{4,10}$/, { error: 'otp must be 4–10 digits' }),
  channelRef: z.string().min(1).max(128).nullable(),
  submittedAt: timestampSchema,
});

export const channelStatusRequestedV1 = z.object({
  ...commandShape,
  channelRef: z.string().min(1).max(128).nullable(),
  reason: z.enum(['timeout', 'operator', 'reconciliation', 'restart']),
  requestedAt: timestampSchema,
});

export const channelDebitSucceededV1 = z.object({
  ...commandShape,
  channelTxnId: z.string().min(1).max(128),
  amount: moneySchema,
  debitedAt: timestampSchema,
});

export const channelDebitFailedV1 = z.object({
  ...commandShape,
  reason: failureReasonSchema,
  message: z.string().max(500),
  channelCode: z.string().max(64).nullable(),
  // Always false, stated on the wire: a failure is published only when the adapter knows the channel
  // moved no money (declined, breaker open). A timeout is never a failure; it is channel.debit-unknown.
  moneyMoved: z.literal(false),
  failedAt: timestampSchema,
});

export const channelOtpRequiredV1 = z.object({
  ...commandShape,
  channelRef: z.string().min(1).max(128).nullable(),
  otpLength: z.number().int().min(4).max(10),
  // `initial` after the debit request; `invalid_otp` when the submitted OTP was wrong.
  reason: z.enum(['initial', 'invalid_otp']),
  attemptsLeft: z.number().int().min(0).nullable(),
  expiresAt: timestampSchema,
});

export const channelDebitUnknownV1 = z.object({
  ...commandShape,
  channelRef: z.string().min(1).max(128).nullable(),
  // `resolving`: the adapter is asking the channel with backoff; `exhausted`: it gave up, so the
  // intent goes to reconciliation.
  stage: z.enum(['resolving', 'exhausted']),
  attempts: z.number().int().min(0),
  since: timestampSchema,
  lastError: z.string().max(500).nullable(),
});

export const breakerStates = ['closed', 'open', 'half_open', 'forced_off'] as const;
export const breakerStateSchema = z.enum(breakerStates);
export type BreakerState = z.infer<typeof breakerStateSchema>;

export const channelHealthChangedV1 = z.object({
  channelId: idSchema,
  state: breakerStateSchema,
  previousState: breakerStateSchema,
  changedAt: timestampSchema,
  reason: z.string().max(500).nullable(),
});
