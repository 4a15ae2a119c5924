// The shapes of the console's "Find a payment" answers (GET /api/payments, GET /api/payments/{id}/timeline).
import { moneySchema, paymentSummarySchema } from '@gateway/contracts';
import { z } from 'zod';

export const searchAnswerSchema = z.object({
  q: z.string(),
  searchedBy: z.array(z.enum(['receiptNo', 'channelTxnId', 'paymentId', 'intentId', 'accountNo', 'msisdn'])),
  available: z.boolean(),
  error: z.string().optional(),
  results: z.array(paymentSummarySchema),
});

const partStatusSchema = z.object({ available: z.boolean(), error: z.string().optional() });

export const timelineEntrySchema = z.object({
  at: z.string(),
  service: z.enum(['payment-orchestration', 'billing', 'notification']),
  kind: z.string(),
  summary: z.string(),
  data: z.record(z.string(), z.union([z.string(), moneySchema, z.null()])),
  ids: z.record(z.string(), z.string()),
});

export const timelineAnswerSchema = z.object({
  id: z.string(),
  services: z.object({ 'payment-orchestration': partStatusSchema, billing: partStatusSchema, notification: partStatusSchema }),
  /** Payment orchestration's records as it answers them (GET /v1/payment-timeline), null when it did not. */
  payment: z.record(z.string(), z.unknown()).nullable(),
  intent: z.record(z.string(), z.unknown()).nullable(),
  entries: z.array(timelineEntrySchema),
});
