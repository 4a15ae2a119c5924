// Request and response schemas of the payment-orchestration API (docs/api.md, "Payment orchestration").
// Field names are the public contract: add fields, rename none.
import { z } from 'zod';
import { currencyCodeSchema, moneySchema } from '../money.ts';
import { accountNoSchema, businessDateSchema, idSchema, msisdnSchema, periodSchema, timestampSchema } from '../primitives.ts';
import { breakerStateSchema } from '../events/payloads/channel.ts';
import { failureReasonSchema, intentStatusSchema } from '../events/payloads/intent.ts';
import { storableText } from '../storable-text.ts';
import { localizedTextSchema, moneyInputSchema } from './common.ts';

// ---- GET /v1/billers

export const billerServiceSchema = z.object({
  serviceId: idSchema,
  name: localizedTextSchema,
  // Essential services (phone, internet) carry no commission for the citizen.
  essential: z.boolean(),
});

export const billerSchema = z.object({
  billerId: idSchema,
  name: localizedTextSchema,
  kind: z.enum(['telecom', 'government']),
  services: z.array(billerServiceSchema),
});
export const billersResponseSchema = z.object({ billers: z.array(billerSchema) });
export type BillersResponse = z.infer<typeof billersResponseSchema>;

// ---- GET /v1/channels

export const channelKinds = ['bank', 'wallet'] as const;
export const channelSchema = z.object({
  channelId: idSchema,
  kind: z.enum(channelKinds),
  displayName: z.string().min(1),
  // From the channel's circuit breaker: a portal offers only channels that are available now.
  available: z.boolean(),
  state: breakerStateSchema,
});
export const channelsResponseSchema = z.object({ channels: z.array(channelSchema) });
export type ChannelsResponse = z.infer<typeof channelsResponseSchema>;

// ---- GET /v1/bills?billerId=&accountNo=  (bill inquiry)

export const billInquiryQuerySchema = z.strictObject({ billerId: idSchema, accountNo: accountNoSchema });
export type BillInquiryQuery = z.infer<typeof billInquiryQuerySchema>;

export const inquiryBillSchema = z.object({
  billId: idSchema,
  period: periodSchema,
  issueDate: businessDateSchema,
  dueDate: businessDateSchema,
  // As of the inquiry, late fee included; honoured until inquiryExpiresAt even across a due date.
  amountDue: moneySchema,
  lateFee: moneySchema,
  allowPartial: z.boolean(),
  minAmount: moneySchema,
  maxAmount: moneySchema,
  // A government fee order's deadline (issue 16): paying it from then on is 422 order_expired. Absent
  // on telecom bills.
  expiresAt: timestampSchema.optional(),
});

export const billInquiryResponseSchema = z.object({
  accountNo: accountNoSchema,
  // Masked (e.g. "R*** H*****"): a channel shows it to confirm the account, never in full.
  holderName: z.string(),
  bills: z.array(inquiryBillSchema),
  inquiryRef: z.string().min(1).max(128),
  inquiryExpiresAt: timestampSchema,
});
export type BillInquiryResponse = z.infer<typeof billInquiryResponseSchema>;

// ---- POST /v1/payments  (payment notification)

// Request bodies and query strings here are strict: a field the API does not know is a 400 naming it,
// not silently dropped (a misspelt `billIds` would otherwise pay the oldest bills instead).

export const paymentNotificationBodySchema = z.strictObject({
  channelTxnId: storableText().min(1).max(128),
  billerId: idSchema,
  // Exactly one of accountNo and entityId (checked by the service, naming the field): entityId is a
  // public entity's one transfer for all its lines (bank channels only), allocated to its open bills
  // across the lines, oldest due date first.
  accountNo: accountNoSchema.optional(),
  entityId: idSchema.optional(),
  // Without billIds the amount goes to the oldest open bills first.
  billIds: z.array(idSchema).min(1).optional(),
  amount: moneyInputSchema,
  paidAt: timestampSchema,
  inquiryRef: storableText().min(1).max(128).optional(),
});
export type PaymentNotificationBody = z.infer<typeof paymentNotificationBodySchema>;

// accountNo: the bill's line, on a public entity's payment only.
export const allocationResponseSchema = z.object({ billId: idSchema, accountNo: accountNoSchema.optional(), amount: moneySchema });

export const paymentNotificationResponseSchema = z.object({
  paymentId: idSchema,
  receiptNo: z.string().min(1).max(64),
  status: z.literal('completed'),
  // A public entity's payment: the entity paid for (its allocations name their accountNo).
  entityId: idSchema.optional(),
  allocations: z.array(allocationResponseSchema),
  amount: moneySchema,
  fee: moneySchema,
});
export type PaymentNotificationResponse = z.infer<typeof paymentNotificationResponseSchema>;

// ---- GET /v1/payments/{paymentId}, GET /v1/payments?channelTxnId=  (status inquiry)

export const paymentIdParamsSchema = z.object({ paymentId: idSchema });
export const paymentLookupQuerySchema = z.strictObject({ channelTxnId: storableText().min(1).max(128) });

export const paymentStatuses = ['completed', 'reversed'] as const;
export const paymentStatusResponseSchema = z.object({
  paymentId: idSchema,
  receiptNo: z.string().min(1).max(64),
  status: z.enum(paymentStatuses),
  channelTxnId: z.string().min(1).max(128),
  billerId: idSchema,
  // On a public entity's payment, the entityId (as entityId, and each allocation names its accountNo).
  accountNo: accountNoSchema,
  entityId: idSchema.optional(),
  allocations: z.array(allocationResponseSchema),
  amount: moneySchema,
  fee: moneySchema,
  paidAt: timestampSchema,
  businessDate: businessDateSchema,
  reversal: z
    .object({ reversalId: idSchema, reason: z.string(), reversedAt: timestampSchema })
    .optional(),
});
export type PaymentStatusResponse = z.infer<typeof paymentStatusResponseSchema>;

// ---- POST /v1/payments/{paymentId}/reversals

export const reversalBodySchema = z.strictObject({ reason: storableText().trim().min(1).max(500) });
export type ReversalBody = z.infer<typeof reversalBodySchema>;

export const reversalStatuses = ['completed', 'pending'] as const;
export const reversalResponseSchema = z.object({
  reversalId: idSchema,
  // `completed` when the gateway undid the payment at once; `pending` while a channel refund runs.
  status: z.enum(reversalStatuses),
  paymentId: idSchema.optional(),
  amount: moneySchema.optional(),
  reversedAt: timestampSchema.optional(),
});
export type ReversalResponse = z.infer<typeof reversalResponseSchema>;

// ---- Payment intents (citizen portal)

export const intentPayerSchema = z
  .strictObject({ msisdn: msisdnSchema.optional(), accountNo: accountNoSchema.optional() })
  .refine((p) => p.msisdn !== undefined || p.accountNo !== undefined, {
    error: 'payer needs an msisdn or an accountNo',
    path: ['msisdn'],
  });

export const createIntentBodySchema = z.strictObject({
  billerId: idSchema,
  accountNo: accountNoSchema,
  billIds: z.array(idSchema).min(1).optional(),
  amount: moneyInputSchema,
  channelId: idSchema,
  payer: intentPayerSchema,
});
export type CreateIntentBody = z.infer<typeof createIntentBodySchema>;

export const intentIdParamsSchema = z.object({ id: idSchema });

export const confirmIntentBodySchema = z.strictObject({
  otp: z.string().regex(/^[0-9]{4,10}$/, { error: 'otp must be 4–10 digits' }),
});
export type ConfirmIntentBody = z.infer<typeof confirmIntentBodySchema>;

// The cancel body is optional; a reason helps the operator reading the history.
export const cancelIntentBodySchema = z.strictObject({ reason: storableText().max(500).optional() }).optional();

/** POST /v1/payment-intents/{id}/refund (operators): why the debit is given back, kept in the audit log and on the command. */
export const intentRefundBodySchema = z.strictObject({ reason: storableText().trim().min(1).max(500) });
export type IntentRefundBody = z.infer<typeof intentRefundBodySchema>;

export const nextActionSchema = z.object({
  type: z.literal('otp'),
  otpLength: z.number().int().min(4).max(10),
  expiresAt: timestampSchema,
  attemptsLeft: z.number().int().min(0).optional(),
});

export const intentErrorSchema = z.object({ code: failureReasonSchema, message: z.string() });

// One shape for create, confirm, cancel and get: docs/api.md's fields, plus optional detail.
export const intentResponseSchema = z.object({
  intentId: idSchema,
  status: intentStatusSchema,
  amount: moneySchema,
  channelId: idSchema,
  nextAction: nextActionSchema.optional(),
  lastError: intentErrorSchema.optional(),
  paymentId: idSchema.optional(),
  receiptNo: z.string().optional(),
  billerId: idSchema.optional(),
  accountNo: accountNoSchema.optional(),
  fee: moneySchema.optional(),
  createdAt: timestampSchema.optional(),
  expiresAt: timestampSchema.optional(),
  // Set when the payer was debited for nothing (another payment settled the bills meanwhile) and the
  // debit is being, or was, given back: `requested`, then `succeeded`; `refused` or `unresolved` when
  // an operator has to finish it.
  refund: z
    .object({
      status: z.enum(['requested', 'succeeded', 'refused', 'unresolved']),
      amount: moneySchema,
      requestedAt: timestampSchema,
      refundedAt: timestampSchema.optional(),
    })
    .optional(),
});
export type IntentResponse = z.infer<typeof intentResponseSchema>;
export const createIntentResponseSchema = intentResponseSchema;
export const confirmIntentResponseSchema = intentResponseSchema;
export const cancelIntentResponseSchema = intentResponseSchema;
export const getIntentResponseSchema = intentResponseSchema;

// ---- GET /v1/settlements/{businessDate}

export const settlementParamsSchema = z.object({ businessDate: businessDateSchema });

export const settlementPaymentSchema = z.object({
  paymentId: idSchema,
  receiptNo: z.string(),
  channelTxnId: z.string(),
  billerId: idSchema,
  accountNo: accountNoSchema,
  amount: moneySchema,
  fee: moneySchema,
  paidAt: timestampSchema,
  status: z.enum(paymentStatuses),
});

export const settlementReversalSchema = z.object({
  reversalId: idSchema,
  paymentId: idSchema,
  channelTxnId: z.string(),
  amount: moneySchema,
  fee: moneySchema,
  reversedAt: timestampSchema,
});

// One line per currency: amounts of different currencies are never added together.
export const settlementTotalsSchema = z.object({
  currency: currencyCodeSchema,
  paymentsCount: z.number().int().min(0),
  paymentsAmount: moneySchema,
  reversalsCount: z.number().int().min(0),
  reversalsAmount: moneySchema,
  fees: moneySchema,
  // What the channel owes the biller for the day: payments − reversals.
  net: moneySchema,
});

export const settlementResponseSchema = z.object({
  channelId: idSchema,
  businessDate: businessDateSchema,
  // The day closes at a configurable cut-off in Asia/Damascus; before it the statement may still grow.
  cutOffAt: timestampSchema,
  closed: z.boolean(),
  payments: z.array(settlementPaymentSchema),
  reversals: z.array(settlementReversalSchema),
  totals: z.array(settlementTotalsSchema),
});
export type SettlementResponse = z.infer<typeof settlementResponseSchema>;
