// The contract's request schemas, narrowed to what billing can store (see domain/storable-text.ts):
// a NUL or a lone surrogate in an id, or a month of year 0000, is a 400 naming the field rather than
// a database error answered with 500. Only refinements: the documented shapes stay the contract's.
import { accountParamsSchema, billBatchBodySchema, entityParamsSchema, entityStatementQuerySchema } from '@gateway/contracts';
import { isStorableDate, isStorableText, unstorableTextMessage } from '../domain/storable-text.ts';

const storableText = { error: unstorableTextMessage };

export const billingAccountParamsSchema = accountParamsSchema.extend({
  accountNo: accountParamsSchema.shape.accountNo.refine(isStorableText, storableText),
});

export const billingEntityParamsSchema = entityParamsSchema.extend({
  entityId: entityParamsSchema.shape.entityId.refine(isStorableText, storableText),
});

export const billingStatementQuerySchema = entityStatementQuerySchema.extend({
  period: entityStatementQuerySchema.shape.period.refine(isStorableDate, { error: 'must be a month from 0001-01 on' }),
});

export const billingBatchBodySchema = billBatchBodySchema.extend({
  batchId: billBatchBodySchema.shape.batchId.refine(isStorableText, storableText),
});
