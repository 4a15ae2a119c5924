// The operators' "find a payment" (docs/api.md): payment orchestration's GET /v1/payment-search and
// GET /v1/payment-timeline/{id}, and billing's GET /v1/payment-effects/{paymentId}. Shared by the
// services, which serve them, the operator console, which merges them into one timeline, and the
// console's browser screen, which shows them.
import { z } from 'zod';
import { moneySchema } from '../money.ts';

const ts = z.string();

/** A payment, or an intent that never became one (an intent that did is the payment's row). */
export const paymentSummarySchema = z.object({
  kind: z.enum(['payment', 'intent']),
  paymentId: z.string().nullable(),
  intentId: z.string().nullable(),
  receiptNo: z.string().nullable(),
  channelId: z.string(),
  channelTxnId: z.string().nullable(),
  accountNo: z.string(),
  amount: moneySchema,
  status: z.string(),
  at: z.string().describe('Paid at (a payment) or created at (an intent)'),
});
export type PaymentSummary = z.infer<typeof paymentSummarySchema>;

export const paymentSearchResponseSchema = z.object({ results: z.array(paymentSummarySchema) });
export type PaymentSearchResponse = z.infer<typeof paymentSearchResponseSchema>;

export const paymentRecordSchema = z.object({
  paymentId: z.string(),
  receiptNo: z.string(),
  status: z.string(),
  source: z.string(),
  intentId: z.string().nullable(),
  clientId: z.string(),
  channelId: z.string(),
  channelTxnId: z.string(),
  billerId: z.string(),
  accountNo: z.string(),
  amount: moneySchema,
  fee: moneySchema,
  paidAt: ts,
  businessDate: z.string(),
  inquiryRef: z.string().nullable(),
  payerMsisdn: z.string().nullable(),
  correlationId: z.string().nullable(),
  recordedAt: ts,
  allocations: z.array(z.object({ billId: z.string(), externalBillId: z.string(), amount: moneySchema, waived: moneySchema, reversedAt: ts.nullable() })),
  reversal: z
    .object({ reversalId: z.string(), clientId: z.string(), reason: z.string(), amount: moneySchema, fee: moneySchema, status: z.string(), reversedAt: ts, recordedAt: ts })
    .nullable(),
});
export type PaymentRecord = z.infer<typeof paymentRecordSchema>;

export const intentSnapshotSchema = z.object({
  intentId: z.string(),
  clientId: z.string(),
  channelId: z.string(),
  status: z.string(),
  amount: moneySchema,
  fee: moneySchema,
  payerMsisdn: z.string().nullable(),
  payerAccountNo: z.string().nullable(),
  lastError: z.object({ reason: z.string(), message: z.string().nullable(), channelCode: z.string().nullable() }).nullable(),
  reconciliationReason: z.string().nullable(),
  refundStatus: z.string().nullable(),
  createdAt: ts,
  expiresAt: ts,
  updatedAt: ts,
});
export type IntentSnapshot = z.infer<typeof intentSnapshotSchema>;

export const reconciliationEntrySchema = z.object({
  reason: z.string(),
  detail: z.string(),
  moneyMoved: z.string(),
  createdAt: ts,
  resolvedAt: ts.nullable(),
  resolution: z.string().nullable(),
});
export type ReconciliationEntry = z.infer<typeof reconciliationEntrySchema>;

export const publishedEventSchema = z.object({ eventId: z.string(), type: z.string(), topic: z.string(), createdAt: ts, publishedAt: ts.nullable(), parkedAt: ts.nullable() });
export type PublishedEvent = z.infer<typeof publishedEventSchema>;

/** Payment orchestration's GET /v1/payment-timeline/{id}. */
export const paymentTimelineSchema = z.object({
  payment: paymentRecordSchema.nullable(),
  intent: intentSnapshotSchema.nullable(),
  reconciliation: z.array(reconciliationEntrySchema),
  events: z.array(publishedEventSchema),
});
export type PaymentTimeline = z.infer<typeof paymentTimelineSchema>;

export const appliedLineSchema = z.object({
  kind: z.enum(['payment', 'reversal']),
  billId: z.string(),
  externalBillId: z.string(),
  accountNo: z.string(),
  amount: moneySchema,
  appliedAmount: moneySchema.describe('What counted against the bill (the rest is unapplied)'),
  waivedLateFee: moneySchema,
  reversalId: z.string().nullable(),
  occurredAt: ts,
  recordedAt: ts,
  after: z
    .object({ revision: z.number().int(), status: z.string(), paidAmount: moneySchema, lateFee: moneySchema, at: ts })
    .nullable()
    .describe('The bill after this change; status "paid" is when bill.settled was published'),
});
export type AppliedLine = z.infer<typeof appliedLineSchema>;

export const unappliedLineSchema = z.object({
  kind: z.enum(['payment', 'reversal']),
  billId: z.string(),
  accountNo: z.string(),
  reason: z.string(),
  amount: moneySchema,
  recordedAt: ts,
  resolvedAt: ts.nullable(),
  resolution: z.string().nullable(),
});
export type UnappliedLine = z.infer<typeof unappliedLineSchema>;

/** Billing's GET /v1/payment-effects/{paymentId}. */
export const paymentEffectsSchema = z.object({ paymentId: z.string(), applied: z.array(appliedLineSchema), unapplied: z.array(unappliedLineSchema) });
export type PaymentEffects = z.infer<typeof paymentEffectsSchema>;
