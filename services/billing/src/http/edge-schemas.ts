// The contract's statement query, narrowed to what billing can store: Postgres has no year 0, so a
// month of year 0000 is a 400 naming the field rather than a database error answered with 500. Ids
// and text need nothing here: the contract's schemas already hold them to storable text.
import { entityStatementQuerySchema, isStorableDate } from '@gateway/contracts';

export const billingStatementQuerySchema = entityStatementQuerySchema.extend({
  period: entityStatementQuerySchema.shape.period.refine(isStorableDate, { error: 'must be a month from 0001-01 on' }),
});
