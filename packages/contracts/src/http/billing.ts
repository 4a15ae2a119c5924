// Request and response schemas of the billing API (docs/api.md, "Billing").
import { z } from 'zod';
import { moneySchema } from '../money.ts';
import {
  accountNoSchema,
  businessDateSchema,
  holderClassSchema,
  idSchema,
  msisdnSchema,
  periodSchema,
  timestampSchema,
  yearMonthSchema,
} from '../primitives.ts';
import { billLineSchema, billStatusSchema } from '../events/payloads/bill.ts';
import { storableText } from '../storable-text.ts';
import { moneyInputSchema } from './common.ts';

// ---- POST /v1/bill-batches

// Request bodies, rows and query strings are strict: a field the API does not know is refused naming
// it (a 400, or a rejected row), not silently dropped.

export const batchHolderSchema = z.strictObject({
  name: storableText().trim().min(1).max(200),
  class: holderClassSchema,
  msisdn: msisdnSchema,
  entityId: idSchema.optional(),
  locale: z.enum(['ar', 'en']).optional(),
});

// One row of a billing cycle. Validated row by row: a bad row is rejected with its reason while the
// rest of the batch is accepted, so the batch body below does not type its rows.
export const billBatchRowSchema = z
  .strictObject({
    externalBillId: storableText().trim().min(1).max(128),
    accountNo: accountNoSchema,
    // Strict copies of the shared shapes (events keep theirs open to added fields).
    period: periodSchema.strict(),
    issueDate: businessDateSchema,
    dueDate: businessDateSchema,
    amount: moneyInputSchema,
    lines: z.array(z.strictObject({ ...billLineSchema.shape, amount: moneyInputSchema })).optional(),
    // Creates the account when it is unknown; without it an unknown account is rejected.
    holder: batchHolderSchema.optional(),
    billerId: idSchema.optional(),
  })
  .refine((r) => r.issueDate <= r.dueDate, { error: 'dueDate must not be before issueDate', path: ['dueDate'] })
  .refine((r) => r.amount.amount >= 0, { error: 'amount must not be negative', path: ['amount', 'amount'] });
export type BillBatchRow = z.infer<typeof billBatchRowSchema>;

export const billBatchBodySchema = z.strictObject({
  batchId: storableText().trim().min(1).max(128),
  bills: z.array(z.unknown()).min(1),
});
export type BillBatchBody = z.infer<typeof billBatchBodySchema>;

// The same body with typed rows, for documentation (OpenAPI) and for clients building a batch.
export const billBatchDocumentedBodySchema = z.strictObject({
  batchId: storableText().trim().min(1).max(128),
  bills: z.array(billBatchRowSchema).min(1),
});

export const billBatchRejectionSchema = z.object({
  // Position of the row in `bills`, so a row without a readable externalBillId can still be found.
  index: z.number().int().min(0),
  externalBillId: z.string().nullable(),
  reason: z.string(),
  // Field paths that failed, when the rejection is a validation failure.
  fields: z.array(z.string()).optional(),
});

export const billBatchResponseSchema = z.object({
  batchId: z.string(),
  // True when this batchId was already imported: the stored result is returned and nothing changes.
  replayed: z.boolean(),
  acceptedCount: z.number().int().min(0),
  rejectedCount: z.number().int().min(0),
  accepted: z.array(z.object({ index: z.number().int().min(0), externalBillId: z.string(), billId: idSchema })),
  rejected: z.array(billBatchRejectionSchema),
});
export type BillBatchResponse = z.infer<typeof billBatchResponseSchema>;

// ---- GET /v1/accounts/{accountNo}, GET /v1/accounts/{accountNo}/bills

export const accountParamsSchema = z.object({ accountNo: accountNoSchema });

export const accountHolderSchema = z.object({
  name: z.string(),
  class: holderClassSchema,
  msisdn: msisdnSchema.nullable(),
  entityId: idSchema.nullable(),
  locale: z.enum(['ar', 'en']),
});

export const accountBillSchema = z.object({
  billId: idSchema,
  externalBillId: z.string(),
  period: periodSchema,
  issueDate: businessDateSchema,
  dueDate: businessDateSchema,
  amount: moneySchema,
  lateFee: moneySchema,
  paidAmount: moneySchema,
  amountDue: moneySchema,
  status: billStatusSchema,
  lines: z.array(billLineSchema).optional(),
});

export const accountResponseSchema = z.object({
  accountNo: accountNoSchema,
  billerId: idSchema.optional(),
  holder: accountHolderSchema,
  // Derived from the landline area code (Damascus 011, Aleppo 021, …).
  governorate: z.string().nullable(),
  createdAt: timestampSchema,
  bills: z.array(accountBillSchema).optional(),
});
export type AccountResponse = z.infer<typeof accountResponseSchema>;

export const accountBillsQuerySchema = z.strictObject({ status: billStatusSchema.optional() });
export const accountBillsResponseSchema = z.object({ accountNo: accountNoSchema, bills: z.array(accountBillSchema) });
export type AccountBillsResponse = z.infer<typeof accountBillsResponseSchema>;

// ---- GET /v1/entities/{entityId}/statement?period=YYYY-MM

export const entityParamsSchema = z.object({ entityId: idSchema });
export const entityStatementQuerySchema = z.strictObject({ period: yearMonthSchema });

export const statementAmountsSchema = z.object({
  amount: moneySchema,
  lateFees: moneySchema,
  paid: moneySchema,
  due: moneySchema,
});

export const entityStatementLineSchema = statementAmountsSchema.extend({
  accountNo: accountNoSchema,
  bills: z.array(accountBillSchema),
});

export const entityStatementResponseSchema = z.object({
  entityId: idSchema,
  name: z.string(),
  period: yearMonthSchema,
  lines: z.array(entityStatementLineSchema),
  // Sums of the lines; a statement whose totals differ from its lines is a bug the tests look for.
  totals: statementAmountsSchema,
});
export type EntityStatementResponse = z.infer<typeof entityStatementResponseSchema>;
