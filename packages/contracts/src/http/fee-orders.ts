// Request and response schemas of government fees at billing (docs/api.md, "Government fees"): the fee
// schedule of a fee biller, and fee orders, each a one-off bill of that biller for an applicant.
import { z } from 'zod';
import { moneySchema } from '../money.ts';
import { businessDateSchema, idSchema, msisdnSchema, timestampSchema } from '../primitives.ts';
import { storableText } from '../storable-text.ts';

// `FO-` + 12 characters of Crockford's base32 (no I, L, O, U): short enough to read out at a bank
// counter, and it is the order bill's accountNo, so a channel pays it with the inquiry it already has.
export const orderRefPattern = /^FO-[0-9A-HJKMNP-TV-Z]{12}$/;
export const orderRefSchema = z.string().regex(orderRefPattern, { error: 'orderRef must be FO- followed by 12 characters of 0-9 and A-Z (no I, L, O, U)' });

export const feeOrderStatuses = ['awaiting_payment', 'paid', 'expired', 'cancelled'] as const;
export const feeOrderStatusSchema = z.enum(feeOrderStatuses);
export type FeeOrderStatus = z.infer<typeof feeOrderStatusSchema>;

// ---- GET /v1/fee-schedule?billerId=

export const feeScheduleQuerySchema = z.strictObject({ billerId: idSchema });

const feeScheduleEntrySchema = z.object({
  // The Asia/Damascus day from which this fee applies to new orders.
  effectiveFrom: businessDateSchema,
  amount: moneySchema,
  // How long an order priced by this fee may wait for its payment.
  orderTtlSeconds: z.number().int().min(1),
});

export const feeScheduleResponseSchema = z.object({
  billerId: idSchema,
  // The business day the current fees are those of.
  asOf: businessDateSchema,
  services: z.array(
    z.object({
      serviceCode: idSchema,
      // null when the service's first fee starts later (it cannot be ordered yet).
      current: feeScheduleEntrySchema.nullable(),
      // The next scheduled change, if one is configured.
      next: feeScheduleEntrySchema.nullable(),
    }),
  ),
});
export type FeeScheduleResponse = z.infer<typeof feeScheduleResponseSchema>;

// ---- POST /v1/fee-orders

export const feeOrderBodySchema = z.strictObject({
  billerId: idSchema,
  serviceCode: idSchema,
  // Copies of the same document in one order (one bill of fee × quantity).
  quantity: z.number().int().min(1).max(10).optional(),
  applicant: z.strictObject({
    // The Syrian national number: 11 digits.
    nationalId: z.string().regex(/^[0-9]{11}$/, { error: 'nationalId must be the 11 digits of the national number' }),
    name: storableText().trim().min(1).max(200),
    // A Syrian mobile (+9639…, 009639…, 9639… or 09…); billing keeps it in E.164 for the applicant's SMS.
    msisdn: msisdnSchema,
  }),
});
export type FeeOrderBody = z.infer<typeof feeOrderBodySchema>;

export const feeOrderCreatedSchema = z.object({
  orderRef: orderRefSchema,
  billerId: idSchema,
  serviceCode: idSchema,
  amount: moneySchema,
  expiresAt: timestampSchema,
  status: z.literal('awaiting_payment'),
});
export type FeeOrderCreated = z.infer<typeof feeOrderCreatedSchema>;

// ---- GET /v1/fee-orders/{orderRef}

export const feeOrderParamsSchema = z.object({ orderRef: orderRefSchema });

export const feeOrderViewSchema = z.object({
  orderRef: orderRefSchema,
  billerId: idSchema,
  serviceCode: idSchema,
  quantity: z.number().int().min(1),
  status: feeOrderStatusSchema,
  amount: moneySchema,
  createdAt: timestampSchema,
  expiresAt: timestampSchema,
  // The bill the order is paid as (its accountNo is the orderRef).
  billId: idSchema,
  // Set once paid: the receipt of the payment that settled the order's bill, and when it was paid.
  receiptNo: z.string().optional(),
  paidAt: timestampSchema.optional(),
});
export type FeeOrderView = z.infer<typeof feeOrderViewSchema>;
