// Payment orchestration's operator reads of intents (docs/api.md, "Payment orchestration"):
// GET /v1/intents/summary and GET /v1/intents?status=reconciliation. Shared by orchestration, which
// serves them, the operator console, which passes the queue on with the bank adapter's debits
// (./bank-adapter.ts), and the console's browser screen, which shows them.
import { z } from 'zod';
import { intentStatuses, intentStatusSchema } from '../events/payloads/intent.ts';
import { moneySchema } from '../money.ts';
import { timestampSchema } from '../primitives.ts';

/** Why an intent sits in the reconciliation queue; the dashboard groups by it. */
export const reconciliationReasons = [
  // The adapter's status inquiries gave up: nobody knows whether the payer was debited.
  'status_inquiry_exhausted',
  // No outcome within expiry plus grace (the adapter never answered at all).
  'expired_without_outcome',
  // The channel debited the payer but the payment could not be recorded (e.g. bill paid meanwhile).
  'payment_refused',
  // The channel debited another amount than we asked for.
  'amount_mismatch',
  // A second, different debit for an intent that already has its payment.
  'second_debit',
  // A result that contradicts what we know (a failure after a recorded success, an unknown after a
  // cancel): money may have moved where we believe it did not.
  'contradictory_result',
  // The payer was debited for nothing and the channel refused to give the money back.
  'refund_refused',
  // The adapter could not learn whether the channel gave the money back.
  'refund_unresolved',
  // No final outcome of the debit, or of the refund giving it back, within the channel's turnaround,
  // after the turnaround engine asked again: a person looks now (doubt, cleared by a later result).
  'turnaround_exceeded',
] as const;
export type ReconciliationReason = (typeof reconciliationReasons)[number];

export const intentSummarySchema = z.object({
  counts: z.object({
    ...Object.fromEntries(intentStatuses.map((s) => [s, z.number().int()])),
    reconciliation: z.number().int().describe('Intents in the reconciliation queue now (a flag beside their status).'),
  } as Record<(typeof intentStatuses)[number] | 'reconciliation', z.ZodNumber>),
});
export type IntentSummary = z.infer<typeof intentSummarySchema>;

export const queueEntrySchema = z.object({
  /** The channel the result came from (another than the intent's for a result from the wrong channel). */
  channelId: z.string(),
  reason: z.string(),
  detail: z.string(),
  status: z.string().nullable(),
  moneyMoved: z.enum(['yes', 'unknown']),
  channelTxnId: z.string().nullable(),
  amount: moneySchema.nullable(),
  openedAt: timestampSchema,
  resolvedAt: timestampSchema.nullable(),
  resolution: z.string().nullable(),
});
export type QueueEntry = z.infer<typeof queueEntrySchema>;

/**
 * A member of the queue. `known: false` is a channel result for an intent orchestration does not have
 * (money may have moved somewhere): the intent's own fields are then null and the entries say what came.
 */
export const queuedIntentSchema = z.object({
  intentId: z.string(),
  known: z.boolean().describe('false: a channel result for an intent we do not have; its own fields are then null'),
  status: intentStatusSchema.nullable(),
  reason: z.enum(reconciliationReasons),
  detail: z.string(),
  since: timestampSchema,
  amount: moneySchema.nullable(),
  fee: moneySchema.nullable(),
  channelId: z.string(),
  billerId: z.string().nullable(),
  accountNo: z.string().nullable(),
  payer: z.object({ msisdn: z.string().nullable(), accountNo: z.string().nullable() }).nullable(),
  billIds: z.array(z.string()),
  createdAt: timestampSchema.nullable(),
  expiresAt: timestampSchema.nullable(),
  evidence: z.object({
    /** The last failure or doubt the channel's results carried (through the adapter). */
    lastError: z.object({ reason: z.string(), message: z.string(), channelCode: z.string().nullable() }).nullable(),
    unknownSince: timestampSchema.nullable(),
    /** Status inquiries the adapter reported having made. */
    inquiryAttempts: z.number().int(),
    channelRef: z.string().nullable(),
    channelTxnId: z.string().nullable(),
    refundStatus: z.string().nullable(),
    /** Every queue entry of this intent, oldest first, resolved ones too. */
    entries: z.array(queueEntrySchema),
  }),
});
export type QueuedIntent = z.infer<typeof queuedIntentSchema>;

export const queuedIntentListSchema = z.object({ intents: z.array(queuedIntentSchema), nextCursor: z.string().nullable() });
export type QueuedIntentList = z.infer<typeof queuedIntentListSchema>;
