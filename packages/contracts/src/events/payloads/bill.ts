// bill.* payloads (billing.bills). Each carries a full snapshot of the bill so that payment
// orchestration can present and allocate to it, and notification can word an SMS, without calling
// billing: a billing outage must not stop inquiry or payment (docs/design.md).
import { z } from 'zod';
import { moneySchema } from '../../money.ts';
import {
  accountNoSchema,
  businessDateSchema,
  holderClassSchema,
  idSchema,
  msisdnSchema,
  periodSchema,
  timestampSchema,
} from '../../primitives.ts';

export const billStatuses = ['open', 'partially_paid', 'overdue', 'paid', 'reversed', 'canceled'] as const;
export const billStatusSchema = z.enum(billStatuses);
export type BillStatus = z.infer<typeof billStatusSchema>;

export const billHolderSchema = z.object({
  class: holderClassSchema,
  // Display name; consumers that show it to a channel mask it themselves.
  name: z.string().min(1).max(200).nullable(),
  // Contact mobile for SMS, E.164 when billing could normalise it; null when the holder has none.
  msisdn: msisdnSchema.nullable(),
  // Public entity (ministry, school) that groups this line, for consolidated statements and bulk payment.
  entityId: idSchema.nullable(),
  // Arabic is the default; the holder may prefer English for SMS.
  locale: z.enum(['ar', 'en']),
});

export const billLineSchema = z.object({
  code: z.string().min(1).max(64),
  description: z.string().min(1).max(500),
  amount: moneySchema,
});

const billSnapshotShape = {
  billId: idSchema,
  // The telecom billing system's own id; it matches its records with this one.
  externalBillId: z.string().min(1).max(128),
  billerId: idSchema,
  accountNo: accountNoSchema,
  // Derived by billing from the landline area code (e.g. "damascus"); null when not a landline.
  governorate: z.string().min(1).max(64).nullable(),
  period: periodSchema,
  issueDate: businessDateSchema,
  dueDate: businessDateSchema,
  // Original billed amount, late fees applied so far, payments applied so far, and what is still due:
  // amountDue = amount + lateFee − paidAmount, never negative.
  amount: moneySchema,
  lateFee: moneySchema,
  paidAmount: moneySchema,
  amountDue: moneySchema,
  // Payment constraints for the channel: partial payments and the accepted range of one payment.
  allowPartial: z.boolean(),
  minAmount: moneySchema,
  maxAmount: moneySchema,
  // Essential bills (telephone, internet) carry no commission for the citizen.
  essential: z.boolean(),
  holder: billHolderSchema,
  status: billStatusSchema,
  // Monotonic per bill; a consumer's read model ignores a snapshot older than the one it holds.
  revision: z.number().int().min(1),
  // Set only on a government fee order's bill (issue 16): after this instant the order can no longer be
  // paid, so payment orchestration refuses it with order_expired even though the bill may still read
  // open. Absent or null on telecom bills, which never expire (they go overdue instead).
  expiresAt: timestampSchema.nullable().optional(),
};

type BillSnapshotLike = {
  amount: { currency: string };
  lateFee: { currency: string };
  paidAmount: { currency: string };
  amountDue: { currency: string };
  minAmount: { currency: string };
  maxAmount: { currency: string };
};

// All amounts of one bill share its currency; a mix is a producer bug worth catching at the source.
function oneCurrency(bill: BillSnapshotLike): boolean {
  const c = bill.amount.currency;
  return [bill.lateFee, bill.paidAmount, bill.amountDue, bill.minAmount, bill.maxAmount].every((m) => m.currency === c);
}
const oneCurrencyCheck = { error: 'all amounts of a bill must share its currency', path: ['amount', 'currency'] };

export const billSnapshotSchema = z.object(billSnapshotShape).refine(oneCurrency, oneCurrencyCheck);
export type BillSnapshot = z.infer<typeof billSnapshotSchema>;

export const billIssuedV1 = z
  .object({ ...billSnapshotShape, lines: z.array(billLineSchema) })
  .refine(oneCurrency, oneCurrencyCheck);

export const billLateFeeAppliedV1 = z
  .object({
    ...billSnapshotShape,
    fee: z.object({
      // Unique per bill and step: the daily run applies each step once even when run twice.
      feeId: idSchema,
      step: z.number().int().min(1),
      amount: moneySchema,
      appliedOn: businessDateSchema,
      policy: z.string().min(1).max(100),
    }),
  })
  .refine(oneCurrency, oneCurrencyCheck);

export const suspensionKinds = ['one_way', 'two_way'] as const;

export const billOverdueV1 = z
  .object({
    ...billSnapshotShape,
    overdueSince: businessDateSchema,
    // The date the telecom cuts the line if still unpaid, and which cut (outgoing only, or both ways).
    suspensionDate: businessDateSchema,
    suspensionKind: z.enum(suspensionKinds),
  })
  .refine(oneCurrency, oneCurrencyCheck);

export const billSettledV1 = z
  .object({
    ...billSnapshotShape,
    settledAt: timestampSchema,
    // The payments that together settled the bill; the last one is what tipped it to zero.
    paymentIds: z.array(idSchema).min(1),
    // The telecom's billing system restores a suspended line on this event.
    restoreService: z.boolean(),
  })
  .refine(oneCurrency, oneCurrencyCheck);

export const billReopenedV1 = z
  .object({
    ...billSnapshotShape,
    reopenedAt: timestampSchema,
    paymentId: idSchema,
    reversalId: idSchema,
    reason: z.string().min(1).max(500),
  })
  .refine(oneCurrency, oneCurrencyCheck);
