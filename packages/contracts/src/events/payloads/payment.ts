// payment.* payloads (payments.payments). Billing settles bills from the allocations; notification
// sends the receipt; the telecom's billing system restores lines — none of them calls orchestration.
import { z } from 'zod';
import { moneySchema } from '../../money.ts';
import { accountNoSchema, businessDateSchema, idSchema, msisdnSchema, timestampSchema } from '../../primitives.ts';

export const allocationSchema = z.object({
  billId: idSchema,
  // The line (account) of the bill, set on a public entity's payment (entityId), whose allocations
  // span the entity's lines. Absent on an account's payment: every bill is of its accountNo.
  accountNo: accountNoSchema.optional(),
  // Carried so the telecom's billing system can match without knowing our bill ids.
  externalBillId: z.string().min(1).max(128),
  amount: moneySchema,
  // The late fee forgiven on this bill because the channel paid an inquiry quote that was honoured
  // across a fee applied after it (docs/design.md, "The two payment flows", step 1). Not money: it is not in `amount` nor in the
  // payment's total; billing takes it off the bill's late fee so the quoted payment settles the bill.
  // On payment.reversed it is the waiver undone: billing owes the fee again. Absent means none.
  waivedLateFee: moneySchema.optional(),
  // What the channel was quoted for this bill, when it paid against a bill inquiry (inquiryRef, which
  // orchestration verified: this client, this account, not expired). Billing settles against it: a
  // payment of the whole quoted amount forgives the late fees billing applied after quotedAt, even
  // when orchestration's copy of the bill had not seen them (waivedLateFee then absent); a fee
  // applied before quotedAt is never forgiven. Absent: no quote (no inquiryRef, or not this bill).
  quote: z
    .object({
      // What this bill owed under the quote when the payment was taken (the inquiry's amount due,
      // less what our payments have put on the bill since).
      amountDue: moneySchema,
      // When the inquiry was made.
      quotedAt: timestampSchema,
    })
    .optional(),
});
export type Allocation = z.infer<typeof allocationSchema>;

export const paymentSources = ['channel', 'intent'] as const;

const paymentShape = {
  paymentId: idSchema,
  // Human-readable, unique, sortable by day; printed on the customer's receipt.
  receiptNo: z.string().min(1).max(64),
  // `channel`: the channel debited its customer and notified us; `intent`: the gateway pulled it.
  source: z.enum(paymentSources),
  clientId: idSchema,
  channelId: idSchema,
  channelTxnId: z.string().min(1).max(128),
  billerId: idSchema,
  // The account paid; on a public entity's one transfer for all its lines, the entityId (each
  // allocation then names its own accountNo).
  accountNo: accountNoSchema,
  // Set when a public entity paid its open bills across its lines in one transfer (issue 16).
  entityId: idSchema.nullable().optional(),
  // Money applied to bills; the allocations sum to it. The fee is on top and is not the biller's.
  amount: moneySchema,
  fee: moneySchema,
  allocations: z.array(allocationSchema).min(1),
  // When the channel says the customer paid; businessDate is the settlement day it counts in.
  paidAt: timestampSchema,
  businessDate: businessDateSchema,
  intentId: idSchema.nullable(),
  inquiryRef: z.string().min(1).max(128).nullable(),
  // Who to send the receipt to when known (intent payer); otherwise the account's contact number.
  payerMsisdn: msisdnSchema.nullable(),
};

type PaymentLike = { amount: { amount: number; currency: string }; fee: { currency: string }; allocations: { amount: { amount: number; currency: string } }[] };

function allocationsAddUp(p: PaymentLike): boolean {
  return (
    p.fee.currency === p.amount.currency &&
    p.allocations.every((a) => a.amount.currency === p.amount.currency) &&
    p.allocations.reduce((s, a) => s + a.amount.amount, 0) === p.amount.amount
  );
}
const allocationsCheck = {
  error: 'allocations must be in the payment currency and sum exactly to amount; fee in the same currency',
  path: ['allocations'],
};

export const paymentCompletedV1 = z.object(paymentShape).refine(allocationsAddUp, allocationsCheck);

export const paymentReversedV1 = z
  .object({
    ...paymentShape,
    reversalId: idSchema,
    reason: z.string().min(1).max(500),
    reversedAt: timestampSchema,
    // The settlement day of the reversal (before the channel's cut-off of the payment's day).
    reversalBusinessDate: businessDateSchema,
  })
  .refine(allocationsAddUp, allocationsCheck);
