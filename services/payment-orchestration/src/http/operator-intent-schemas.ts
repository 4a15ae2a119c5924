// Response shapes of the operators' intent routes (GET /v1/intents/summary, GET /v1/intents).
import { intentStatuses, intentStatusSchema, moneySchema, timestampSchema } from '@gateway/contracts';
import { z } from 'zod';
import { reconciliationReasons } from '../domain/intent-state.ts';

export const intentSummarySchema = z.object({
  counts: z.object({
    ...Object.fromEntries(intentStatuses.map((s) => [s, z.number().int()])),
    reconciliation: z.number().int().describe('Intents in the reconciliation queue now (a flag beside their status).'),
  } as Record<(typeof intentStatuses)[number] | 'reconciliation', z.ZodNumber>),
});

const queueEntrySchema = z.object({
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
    lastError: z.object({ reason: z.string(), message: z.string(), channelCode: z.string().nullable() }).nullable(),
    unknownSince: timestampSchema.nullable(),
    inquiryAttempts: z.number().int(),
    channelRef: z.string().nullable(),
    channelTxnId: z.string().nullable(),
    refundStatus: z.string().nullable(),
    entries: z.array(queueEntrySchema),
  }),
});

export const queuedIntentListSchema = z.object({ intents: z.array(queuedIntentSchema), nextCursor: z.string().nullable() });
