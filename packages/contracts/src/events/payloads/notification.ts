// notification.* payloads (notifications.deliveries): what was sent to whom and what became of it,
// for the dashboard and for anyone auditing that a receipt really went out.
import { z } from 'zod';
import { accountNoSchema, idSchema, msisdnSchema, timestampSchema } from '../../primitives.ts';

export const smsTemplates = [
  'bill_issued',
  'bill_reminder',
  'late_fee_applied',
  'bill_overdue',
  'bill_settled',
  'payment_receipt',
  'payment_reversed',
  'intent_unknown',
  // A debit that bought nothing (the bill was paid another way) was given back.
  'intent_refunded',
  'campaign',
  // The answer to a subscriber's STOP or START.
  'opt_out_confirmation',
  // A customer's complaint (complaint.*): filed with its reference and due date, resolved, rejected.
  'complaint_logged',
  'complaint_resolved',
  'complaint_rejected',
] as const;
export const smsTemplateSchema = z.enum(smsTemplates);
export type SmsTemplate = z.infer<typeof smsTemplateSchema>;

const smsShape = {
  messageId: idSchema,
  to: msisdnSchema,
  template: smsTemplateSchema,
  locale: z.enum(['ar', 'en']),
  accountNo: accountNoSchema.nullable(),
  // The event that caused the SMS (null for campaigns), so a receipt can be traced to its payment.
  sourceEventId: z.string().min(1).max(255).nullable(),
  campaignId: idSchema.nullable(),
};

export const notificationSmsSentV1 = z.object({
  ...smsShape,
  encoding: z.enum(['gsm7', 'ucs2']),
  segments: z.number().int().min(1),
  smscMessageIds: z.array(z.string().min(1).max(128)).min(1),
  sentAt: timestampSchema,
});

export const notificationSmsDeliveredV1 = z.object({
  ...smsShape,
  smscMessageId: z.string().min(1).max(128),
  deliveredAt: timestampSchema,
});

export const notificationSmsFailedV1 = z.object({
  ...smsShape,
  state: z.enum(['failed', 'expired', 'rejected']),
  reason: z.string().min(1).max(500),
  errorCode: z.string().max(64).nullable(),
  failedAt: timestampSchema,
});
