// reconciliation.* payloads (payments.reconciliations): a channel's day as payment orchestration
// reconciles it against the channel's settlement file, keyed by channel id.
import { z } from 'zod';
import { businessDateSchema, idSchema, timestampSchema } from '../../primitives.ts';

/**
 * No settlement file was matched for the channel's business date by its deadline (orchestration's
 * SETTLEMENT_FILE_DEADLINE, local time on the next day): the day cannot be reconciled until it
 * comes. Raised once per channel and day.
 */
export const reconciliationFileMissingV1 = z.object({
  channelId: idSchema,
  businessDate: businessDateSchema,
  deadline: timestampSchema,
  detectedAt: timestampSchema,
});
