// channel.* payloads. Commands (channels.commands) go from orchestration to the bank adapter; results
// (channels.results) come back. `reference` is our id for the debit: channels that deduplicate by it
// make a retried debit safe, and the adapter never re-sends a debit to one that does not.
import { z } from 'zod';
import { currencyCodeSchema, moneySchema } from '../../money.ts';
import { accountNoSchema, businessDateSchema, idSchema, timestampSchema } from '../../primitives.ts';
import { failureReasonSchema, payerSchema } from './intent.ts';

const commandShape = {
  intentId: idSchema,
  channelId: idSchema,
  reference: z.string().min(1).max(64),
};

export const channelDebitRequestedV1 = z.object({
  ...commandShape,
  // Total to debit from the payer: bills plus fee.
  amount: moneySchema,
  payer: payerSchema,
  billerId: idSchema,
  accountNo: accountNoSchema,
  description: z.string().min(1).max(140),
  requestedAt: timestampSchema,
  // The adapter does not start a debit after this instant; the intent would be expired.
  expiresAt: timestampSchema,
});

export const channelOtpSubmittedV1 = z.object({
  ...commandShape,
  // Sensitive: consumers must never log it (the kit's logger redacts `otp`).
  otp: z.string().regex(/^[0-9]{4,10}$/, { error: 'otp must be 4–10 digits' }),
  channelRef: z.string().min(1).max(128).nullable(),
  submittedAt: timestampSchema,
});

export const channelStatusRequestedV1 = z.object({
  ...commandShape,
  channelRef: z.string().min(1).max(128).nullable(),
  reason: z.enum(['timeout', 'operator', 'reconciliation', 'restart']),
  requestedAt: timestampSchema,
});

export const channelDebitSucceededV1 = z.object({
  ...commandShape,
  channelTxnId: z.string().min(1).max(128),
  amount: moneySchema,
  debitedAt: timestampSchema,
});

export const channelDebitFailedV1 = z.object({
  ...commandShape,
  reason: failureReasonSchema,
  message: z.string().max(500),
  channelCode: z.string().max(64).nullable(),
  // Always false, stated on the wire: a failure is published only when the adapter knows the channel
  // moved no money (declined, breaker open). A timeout is never a failure; it is channel.debit-unknown.
  moneyMoved: z.literal(false),
  failedAt: timestampSchema,
});

export const channelOtpRequiredV1 = z.object({
  ...commandShape,
  channelRef: z.string().min(1).max(128).nullable(),
  otpLength: z.number().int().min(4).max(10),
  // `initial` after the debit request; `invalid_otp` when the submitted OTP was wrong.
  reason: z.enum(['initial', 'invalid_otp']),
  attemptsLeft: z.number().int().min(0).nullable(),
  expiresAt: timestampSchema,
});

export const channelDebitUnknownV1 = z.object({
  ...commandShape,
  channelRef: z.string().min(1).max(128).nullable(),
  // `resolving`: the adapter is asking the channel with backoff; `exhausted`: it gave up, so the
  // intent goes to reconciliation.
  stage: z.enum(['resolving', 'exhausted']),
  attempts: z.number().int().min(0),
  since: timestampSchema,
  lastError: z.string().max(500).nullable(),
});

// Command: give back a debit that bought nothing (its payment was refused: another channel paid the
// bill meanwhile). The adapter reverses the debit it recorded under `reference` at the channel; the
// channel reverses a debit at most once, so a repeat of the reversal is safe there.
export const channelRefundRequestedV1 = z.object({
  ...commandShape,
  // The channel's id of the debit to give back (as channel.debit-succeeded reported it).
  channelTxnId: z.string().min(1).max(128),
  // What goes back to the payer: the whole debit (bills plus fee).
  amount: moneySchema,
  reason: z.string().min(1).max(500),
  requestedAt: timestampSchema,
});

export const channelRefundSucceededV1 = z.object({
  ...commandShape,
  channelTxnId: z.string().min(1).max(128),
  amount: moneySchema,
  // The channel's id of the reversal, when it gives one.
  reversalId: z.string().min(1).max(128).nullable(),
  refundedAt: timestampSchema,
});

// The channel refused to reverse the debit: the payer still has not got the money back, and only a
// person can settle it now (orchestration queues the intent for reconciliation with this reason).
export const channelRefundFailedV1 = z.object({
  ...commandShape,
  channelTxnId: z.string().min(1).max(128),
  message: z.string().max(500),
  channelCode: z.string().max(64).nullable(),
  failedAt: timestampSchema,
});

// A reversal without an answer (timeout, 5xx): UNKNOWN, resolved by asking the channel; `exhausted`
// when the schedule ran out without the channel saying, and the intent goes to reconciliation.
export const channelRefundUnknownV1 = z.object({
  ...commandShape,
  channelTxnId: z.string().min(1).max(128),
  stage: z.enum(['resolving', 'exhausted']),
  attempts: z.number().int().min(0),
  since: timestampSchema,
  lastError: z.string().max(500).nullable(),
});

export const breakerStates = ['closed', 'open', 'half_open', 'forced_off'] as const;
export const breakerStateSchema = z.enum(breakerStates);
export type BreakerState = z.infer<typeof breakerStateSchema>;

export const channelHealthChangedV1 = z.object({
  channelId: idSchema,
  state: breakerStateSchema,
  previousState: breakerStateSchema,
  changedAt: timestampSchema,
  reason: z.string().max(500).nullable(),
});

// The state callers see for one channel, reported for every channel when the adapter starts and then
// periodically, whether or not it changed. A consumer must not trust a state it has not heard again
// for a few periods: an adapter that stopped with a breaker open would otherwise leave the channel
// "open" for ever. `since`: when the channel entered this state, as far as the adapter knows (never
// before the adapter's own start).
export const channelHealthReportedV1 = z.object({
  channelId: idSchema,
  state: breakerStateSchema,
  since: timestampSchema,
  reportedAt: timestampSchema,
});

// One (currency, status) line of a settlement statement's totals: how many rows and their sum. The
// status is the channel's own word as written in the file (`succeeded`, `reversed`, …), not one of
// ours: a channel may add a status, and reconciliation must see it rather than have it dropped here.
export const settlementTotalSchema = z
  .object({
    currency: currencyCodeSchema,
    status: z.string().min(1).max(32),
    count: z.number().int().min(1),
    amount: moneySchema,
  })
  .refine((t) => t.amount.currency === t.currency, { error: 'amount.currency must equal currency', path: ['amount', 'currency'] });

// Announces that a channel's daily statement was fetched and stored (again only when its content
// changed: a corrected file gets a new fileId and sha256). The rows themselves are NOT in the event: a
// busy channel's day can exceed Kafka's message size limit, so the event carries digest, counts and
// totals, and `location` is the adapter's operator route that serves the stored CSV.
export const channelSettlementFileFetchedV1 = z.object({
  channelId: idSchema,
  businessDate: businessDateSchema,
  fileId: idSchema,
  fetchedAt: timestampSchema,
  // Hex SHA-256 of the CSV exactly as served at `location`; a consumer checks its copy against it.
  sha256: z.string().regex(/^[0-9a-f]{64}$/, { error: 'sha256 must be 64 lower-case hex digits' }),
  // Data rows (header excluded).
  rowCount: z.number().int().min(0),
  totals: z.array(settlementTotalSchema),
  // Path on the bank adapter's operator API, e.g. /v1/settlement-files/{channelId}/{businessDate}.
  location: z.string().min(1).max(500),
});
