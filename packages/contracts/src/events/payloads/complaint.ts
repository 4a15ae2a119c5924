// complaint.* payloads (payments.complaints): a customer's complaint filed by a channel or the portal,
// with its turnaround clock. Each event carries the complaint's snapshot so notification can text the
// customer (logged, resolved) without asking back. The free-text description stays in the service.
import { z } from 'zod';
import { accountNoSchema, idSchema, msisdnSchema, timestampSchema } from '../../primitives.ts';

export const complaintTypes = ['paid_not_settled', 'double_debit', 'wrong_amount', 'refund_not_received', 'no_sms'] as const;
export const complaintTypeSchema = z.enum(complaintTypes);
export type ComplaintType = z.infer<typeof complaintTypeSchema>;

export const complaintStatuses = ['logged', 'assigned', 'resolved', 'escalated', 'rejected'] as const;
export const complaintStatusSchema = z.enum(complaintStatuses);
export type ComplaintStatus = z.infer<typeof complaintStatusSchema>;

export const complaintShape = {
  complaintId: idSchema,
  // The channel or portal client that filed it; it alone reads it.
  clientId: idSchema,
  type: complaintTypeSchema,
  status: complaintStatusSchema,
  paymentId: idSchema.nullable(),
  channelTxnId: idSchema.nullable(),
  intentId: idSchema.nullable(),
  accountNo: accountNoSchema.nullable(),
  // The customer's mobile in E.164 (+9639…).
  msisdn: msisdnSchema,
  // The turnaround clock: not resolved by then, it is escalated.
  dueBy: timestampSchema,
  createdAt: timestampSchema,
};

export const complaintLoggedV1 = z.object({ ...complaintShape, status: z.literal('logged') });

export const complaintResolvedV1 = z.object({
  ...complaintShape,
  status: z.literal('resolved'),
  resolution: z.string().min(1).max(2000),
  // Who closed it: 'automatic-check', or the operator (client/person).
  resolvedBy: idSchema,
  resolvedAt: timestampSchema,
});

export const complaintAssignedV1 = z.object({ ...complaintShape, status: z.literal('assigned'), assignedTo: idSchema, assignedAt: timestampSchema });

export const complaintEscalatedV1 = z.object({
  ...complaintShape,
  status: z.literal('escalated'),
  // 'due': the turnaround clock ran out (the escalation job); 'operator': a person escalated it.
  reason: z.enum(['due', 'operator']),
  escalatedBy: idSchema,
  escalatedAt: timestampSchema,
});

export const complaintRejectedV1 = z.object({
  ...complaintShape,
  status: z.literal('rejected'),
  resolution: z.string().min(1).max(2000),
  rejectedBy: idSchema,
  rejectedAt: timestampSchema,
});
