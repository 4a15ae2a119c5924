// Payment orchestration's reconciliation of the channels' settlement files (docs/api.md, "Payment
// orchestration": GET /v1/reconciliations/{channelId}/{businessDate}, POST
// /v1/reconciliation-exceptions/{id}/resolve). Shared by orchestration, which serves them, and the
// operator console, which passes them on to its Reconciliation screen.
import { z } from 'zod';

const sideSchema = z.object({ count: z.number().int(), amount: z.object({ amount: z.number().int(), currency: z.string() }) });

export const reconciliationExceptionKinds = ['missing_at_channel', 'missing_here', 'amount_mismatch', 'status_mismatch'] as const;

export const reconciliationExceptionSchema = z.object({
  exceptionId: z.string(),
  kind: z.enum(reconciliationExceptionKinds),
  reference: z.string(),
  ours: z.record(z.string(), z.unknown()).nullable(),
  theirs: z.record(z.string(), z.unknown()).nullable(),
  status: z.enum(['open', 'resolved', 'superseded']),
  resolution: z.object({ action: z.string(), note: z.string(), by: z.string(), at: z.string() }).nullable(),
});
export type ReconciliationException = z.infer<typeof reconciliationExceptionSchema>;

export const reconciliationSchema = z.object({
  channelId: z.string(),
  businessDate: z.string(),
  status: z.enum(['pending', 'matched', 'exceptions']),
  file: z.object({ fileId: z.string(), sha256: z.string(), fetchedAt: z.string() }).nullable(),
  ours: sideSchema,
  theirs: sideSchema,
  exceptions: z.array(reconciliationExceptionSchema),
  // A pending day only: when its file was due, and when the missing-file alert was raised (null if not yet).
  fileOverdue: z.object({ deadline: z.string(), alertedAt: z.string().nullable() }).nullable().optional(),
});
export type Reconciliation = z.infer<typeof reconciliationSchema>;

export const reconciliationActions = ['accept', 'record_payment', 'refund', 'write_off'] as const;
export type ReconciliationAction = (typeof reconciliationActions)[number];
