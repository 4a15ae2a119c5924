// Request shapes shared by the channel API routes. A body that does not parse is a 400 from the kit's
// error handler: the channel never saw a debit, so no debitId and nothing recorded.
import { currencyCodeSchema, minorUnitsSchema } from '@gateway/contracts';
import { z } from 'zod';

export const debitIdParamsSchema = z.object({ debitId: z.string().min(1).max(100) });

export const notFoundBody = { status: 'not_found' } as const;

export const debitRequestSchema = z.object({
  reference: z.string().min(1).max(255),
  payer: z.object({ msisdn: z.string().max(32).optional(), accountNo: z.string().max(34).optional() }),
  amount: z.object({
    amount: minorUnitsSchema.refine((amount) => amount > 0, 'amount must be positive'),
    currency: currencyCodeSchema,
  }),
  description: z.string().max(500).default(''),
});
