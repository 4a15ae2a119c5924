// intent.* payloads (payments.intents): gateway-initiated payments. Each carries the intent snapshot
// so notification can warn "being confirmed — do not pay again" and the dashboard can show the queue.
import { z } from 'zod';
import { moneySchema } from '../../money.ts';
import { accountNoSchema, idSchema, msisdnSchema, timestampSchema } from '../../primitives.ts';

export const intentStatuses = ['requires_confirmation', 'processing', 'succeeded', 'failed', 'canceled', 'unknown'] as const;
export const intentStatusSchema = z.enum(intentStatuses);
export type IntentStatus = z.infer<typeof intentStatusSchema>;

export const payerSchema = z
  .object({ msisdn: msisdnSchema.nullable(), accountNo: accountNoSchema.nullable() })
  .refine((p) => p.msisdn !== null || p.accountNo !== null, { error: 'payer needs an msisdn or an accountNo', path: ['msisdn'] });

// Why a debit or an intent failed. Channel-specific codes travel separately as `channelCode`.
export const failureReasons = [
  'declined',
  'insufficient_funds',
  'invalid_payer',
  'invalid_otp',
  'otp_attempts_exceeded',
  'channel_unavailable',
  'expired',
  'limit_exceeded',
  'channel_error',
] as const;
export const failureReasonSchema = z.enum(failureReasons);
export type FailureReason = z.infer<typeof failureReasonSchema>;

const intentShape = {
  intentId: idSchema,
  clientId: idSchema,
  billerId: idSchema,
  accountNo: accountNoSchema,
  billIds: z.array(idSchema),
  amount: moneySchema,
  fee: moneySchema,
  channelId: idSchema,
  payer: payerSchema,
  status: intentStatusSchema,
  createdAt: timestampSchema,
  // After expiresAt plus a grace period, an intent not terminal goes to reconciliation.
  expiresAt: timestampSchema,
};

export const intentCreatedV1 = z.object({ ...intentShape, status: z.literal('processing') });

export const intentRequiresConfirmationV1 = z.object({
  ...intentShape,
  status: z.literal('requires_confirmation'),
  nextAction: z.object({
    type: z.literal('otp'),
    otpLength: z.number().int().min(4).max(10),
    // Set when a previous OTP was wrong, so the portal can say so.
    attemptsLeft: z.number().int().min(0).nullable(),
    expiresAt: timestampSchema,
  }),
});

export const intentSucceededV1 = z.object({
  ...intentShape,
  status: z.literal('succeeded'),
  paymentId: idSchema,
  receiptNo: z.string().min(1).max(64),
  channelTxnId: z.string().min(1).max(128),
  succeededAt: timestampSchema,
});

export const intentFailedV1 = z.object({
  ...intentShape,
  status: z.literal('failed'),
  failure: z.object({
    reason: failureReasonSchema,
    message: z.string().max(500),
    channelCode: z.string().max(64).nullable(),
  }),
  failedAt: timestampSchema,
});

export const intentCanceledV1 = z.object({
  ...intentShape,
  status: z.literal('canceled'),
  canceledAt: timestampSchema,
  reason: z.string().max(500).nullable(),
});

// The channel did not answer in time: the outcome is UNKNOWN, never FAILED; it is being resolved.
export const intentUnknownV1 = z.object({
  ...intentShape,
  status: z.literal('unknown'),
  since: timestampSchema,
  lastError: z.string().max(500).nullable(),
});

// Resolution gave up (or the intent outlived expiry plus grace): an operator must reconcile it.
export const intentReconciliationRequiredV1 = z.object({
  ...intentShape,
  status: intentStatusSchema,
  reason: z.string().min(1).max(500),
  attempts: z.number().int().min(0),
  since: timestampSchema,
});

// The payer was debited for a payment that could not be recorded (another channel paid the bill
// meanwhile), and the channel has given the debit back. Notification tells the payer.
export const intentRefundedV1 = z.object({
  ...intentShape,
  // What went back: the whole debit (amount plus fee).
  refunded: moneySchema,
  channelTxnId: z.string().min(1).max(128),
  reversalId: z.string().min(1).max(128).nullable(),
  refundedAt: timestampSchema,
});
