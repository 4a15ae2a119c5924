// Request and response schemas of the complaint routes of payment orchestration (docs/api.md,
// "Payment orchestration": POST /v1/complaints, GET /v1/complaints/{id}).
import { z } from 'zod';
import { accountNoSchema, idSchema, msisdnSchema, timestampSchema } from '../primitives.ts';
import { complaintStatusSchema, complaintTypeSchema } from '../events/payloads/complaint.ts';
import { storableText } from '../storable-text.ts';

export const complaintBodySchema = z.strictObject({
  type: complaintTypeSchema,
  paymentId: idSchema.optional(),
  channelTxnId: idSchema.optional(),
  intentId: idSchema.optional(),
  accountNo: accountNoSchema.optional(),
  // A Syrian mobile (+9639…, 009639…, 9639… or 09…); checked against the numbering plan by the service.
  msisdn: msisdnSchema,
  description: storableText().trim().min(1).max(2000),
});
export type ComplaintBody = z.infer<typeof complaintBodySchema>;

export const complaintIdParamsSchema = z.object({ id: idSchema });

export const complaintCreatedSchema = z.object({ complaintId: idSchema, status: z.literal('logged'), dueBy: timestampSchema });
export type ComplaintCreated = z.infer<typeof complaintCreatedSchema>;

export const complaintViewSchema = z.object({
  complaintId: idSchema,
  type: complaintTypeSchema,
  status: complaintStatusSchema,
  paymentId: idSchema.nullable(),
  channelTxnId: idSchema.nullable(),
  intentId: idSchema.nullable(),
  accountNo: z.string().nullable(),
  msisdn: z.string(),
  description: z.string(),
  dueBy: timestampSchema,
  createdAt: timestampSchema,
  updatedAt: timestampSchema,
  // What closed it (resolved or rejected), and what the check or the operator found.
  resolution: z.string().nullable(),
  evidence: z.record(z.string(), z.unknown()).nullable(),
});
export type ComplaintView = z.infer<typeof complaintViewSchema>;

// ---- The operators' queue (signed by an operator client)

export const complaintActions = ['assign', 'resolve', 'escalate', 'reject'] as const;
export const complaintActionParamsSchema = z.object({ id: idSchema, action: z.enum(complaintActions) });
// resolve and reject need the note (it is the resolution the customer is told); assign and escalate may carry one.
export const complaintActionBodySchema = z.strictObject({ note: storableText().trim().min(1).max(2000).optional() });

export const complaintQueueQuerySchema = z.strictObject({
  status: complaintStatusSchema,
  limit: z.coerce.number().int().min(1).max(100).default(50),
});

export const queuedComplaintSchema = complaintViewSchema.extend({ clientId: idSchema, assignedTo: z.string().nullable() });
export type QueuedComplaint = z.infer<typeof queuedComplaintSchema>;
export const complaintQueueSchema = z.object({ complaints: z.array(queuedComplaintSchema) });
