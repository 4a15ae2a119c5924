// The citizen portal asks the gateway to pull the money for some bills from a wallet or a bank
// account. The bills and the amount are checked exactly as a channel's payment would be (the same
// pure quotePayment over the same read model), the fee is fixed now (the payer approves amount + fee,
// and that is what the channel debits), and in the caller's ONE transaction (the route's idempotency
// record's): the intent (`processing`), intent.created and channel.debit-requested in the outbox. The
// debit's reference is the intent id, so a channel that deduplicates by it makes any retry of the
// command harmless.
//
// A channel whose breaker is open (or forced off) fails fast (channel_unavailable): no intent, no
// command, no money moved. The route throws that answer rather than storing it under the key, so the
// portal can retry the same request later and have it run.
//
// Nothing is charged twice: an intent holds the bills it will pay (intent_bills) from creation until
// it ends (holdsBills), and a second intent for any of them is refused here, before its debit is ever
// requested (the payer tapped Pay twice, two tabs, portal and USSD): bill_payment_in_progress. The
// bills' rows are locked first, so two creations for one bill queue and the second sees the first's
// hold. A channel's own payment (POST /v1/payments) is not held back: its customer is already debited,
// so it is taken, and the intent is canceled if its debit was not sent yet, or its debit is given
// back automatically when it lands (supersede-intents.flow.ts).
import { createEvent } from '@gateway/contracts';
import type { CreateIntentBody, ErrorCode } from '@gateway/contracts';
import { enqueueEvent } from '@gateway/kit';
import type { PoolClient } from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { quotePayment } from '../domain/allocation.ts';
import { findBiller } from '../domain/catalogues.ts';
import type { BillerCatalogue, ChannelCatalogue } from '../domain/catalogues.ts';
import type { FeeSchedule } from '../domain/fees.ts';
import { debitAmount, intentBillIds } from '../domain/intent-record.ts';
import type { IntentRecord } from '../domain/intent-record.ts';
import { holdsBills } from '../domain/intent-state.ts';
import { serviceName } from '../service-name.ts';
import { channelStateOf } from '../store/pg-channel-health-store.ts';
import { findBillHolder, insertIntent } from '../store/pg-intent-store.ts';
import type { BillHolder } from '../store/pg-intent-store.ts';
import { lockAccountBills } from '../store/pg-payment-store.ts';
import { enqueueIntentEvent } from './intent-change.ts';
import type { IntentTopics } from './intent-change.ts';

// Breaker states in which the adapter would refuse the debit at once anyway.
const unavailableStates = new Set(['open', 'forced_off']);

export const defaultIntentTtlMs = 15 * 60_000;

export type CreateIntentDeps = {
  catalogues: { billers: BillerCatalogue; channels: ChannelCatalogue; fees: FeeSchedule };
  /** CHANNEL_HEALTH_STALE_AFTER: a breaker state older than this is unknown (try the channel). */
  channelHealthStaleAfterMs: number;
  /** How long the payer has to complete an intent (confirm the OTP); the channel is told too. */
  intentTtlMs?: number | undefined;
  topics?: IntentTopics | undefined;
  now: Date;
};

export type CreateIntentInput = { clientId: string; body: CreateIntentBody; correlationId: string };

export type CreateIntentOutcome =
  | { kind: 'created'; intent: IntentRecord }
  | { kind: 'refused'; code: ErrorCode; message: string; details?: Record<string, unknown>; holder?: BillHolder }
  | { kind: 'channel_unavailable'; message: string };

/**
 * The refusal of an intent for a bill another intent holds: 409 bill_payment_in_progress (docs/api.md).
 * The portal can resume its own holder (details.intentId: confirm its OTP, or wait for its outcome);
 * another client's intent (the USSD session of the same payer) is not named, since a client sees only
 * its own objects, and it could do nothing with the id anyway.
 */
function inProgress(holder: BillHolder, clientId: string): CreateIntentOutcome {
  const own = holder.clientId === clientId;
  const message = own
    ? `A payment for bill ${holder.billId} is already in progress (intent ${holder.intentId}, ${holder.status}); resume it or wait for its outcome.`
    : `A payment for bill ${holder.billId} is already in progress from another client; wait for its outcome.`;
  const details = own ? { billId: holder.billId, intentId: holder.intentId, status: holder.status } : { billId: holder.billId };
  return { kind: 'refused', code: 'bill_payment_in_progress', message, details, holder };
}

export async function createIntent(tx: PoolClient, input: CreateIntentInput, deps: CreateIntentDeps): Promise<CreateIntentOutcome> {
  const { body, clientId, correlationId } = input;
  const { catalogues, now } = deps;
  const refuse = (code: ErrorCode, message: string): CreateIntentOutcome => ({ kind: 'refused', code, message });

  const biller = findBiller(catalogues.billers, body.billerId);
  if (biller.kind === 'refused') return biller;
  const channel = catalogues.channels.channels.find((c) => c.channelId === body.channelId);
  if (channel === undefined) return refuse('invalid_request', `Channel ${body.channelId} is not a channel of the gateway (see GET /v1/channels).`);
  // A wallet pulls from a mobile number, a bank from an account: without it the channel can only refuse.
  if (channel.kind === 'wallet' && body.payer.msisdn === undefined) return refuse('invalid_request', `Channel ${channel.channelId} is a wallet: payer.msisdn is required.`);
  if (channel.kind === 'bank' && body.payer.accountNo === undefined) return refuse('invalid_request', `Channel ${channel.channelId} is a bank: payer.accountNo is required.`);
  const state = await channelStateOf(tx, channel.channelId, { now, staleAfterMs: deps.channelHealthStaleAfterMs });
  if (state !== null && unavailableStates.has(state)) {
    return { kind: 'channel_unavailable', message: `Channel ${channel.channelId} is unavailable (${state}); no money was moved.` };
  }

  // Every bill of the account, locked FOR UPDATE in bill_id order: the order recordPayment
  // locks them in (no deadlock with a payment), and what makes a concurrent creation for the
  // same bills wait here until this one commits its hold.
  const bills = await lockAccountBills(tx, body.billerId, body.accountNo);
  if (bills.length === 0) return refuse('account_not_found', `No bills are known for account ${body.accountNo} of ${body.billerId}.`);
  const quote = quotePayment({ bills, billIds: body.billIds, amount: body.amount, feeSchedule: catalogues.fees, now });
  if (quote.kind === 'refused') return refuse(quote.code, quote.message);
  // Without named bills the quote's oldest-first choice is what the intent holds and later pays.
  const quotedBillIds = quote.allocations.map((a) => a.billId);
  const holder = await findBillHolder(tx, intentBillIds({ requestedBillIds: body.billIds ?? null, quotedBillIds }));
  if (holder !== null) return inProgress(holder, clientId);

  // A fee order's intent ends when the order does (issue 16): the payer is not asked for an OTP, nor the
  // channel told it may debit, past the instant nobody may pay the order any more.
  const quotedIds = new Set(quotedBillIds);
  const orderExpiries = bills.filter((b) => quotedIds.has(b.billId) && b.expiresAt !== null).map((b) => Date.parse(b.expiresAt ?? ''));
  const expiresAt = new Date(Math.min(now.getTime() + (deps.intentTtlMs ?? defaultIntentTtlMs), ...orderExpiries));
  const intentId = `pi_${uuidv7()}`;
  const record: IntentRecord = {
    intentId,
    clientId,
    billerId: body.billerId,
    accountNo: body.accountNo,
    requestedBillIds: body.billIds ?? null,
    quotedBillIds,
    amount: body.amount,
    fee: quote.fee,
    channelId: channel.channelId,
    reference: intentId,
    payer: { msisdn: body.payer.msisdn ?? null, accountNo: body.payer.accountNo ?? null },
    status: 'processing',
    expiresAt: expiresAt.toISOString(),
    reconciliation: null,
    reconciliationSince: null,
    lastError: null,
    channelTxnId: null,
    otp: null,
    channelRef: null,
    unknownSince: null,
    unknownAttempts: 0,
    paymentId: null,
    receiptNo: null,
    refund: null,
    correlationId,
    createdAt: now.toISOString(),
  };
  await insertIntent(tx, record, { billIds: intentBillIds(record), held: holdsBills(record) });
  const ctx = { now, correlationId, causationId: null, topics: deps.topics };
  await enqueueIntentEvent(tx, 'intent.created', record, ctx);
  await enqueueEvent(
    tx,
    createEvent('channel.debit-requested', {
      producer: serviceName,
      key: intentId,
      correlationId,
      causationId: null,
      occurredAt: now,
      payload: {
        intentId,
        channelId: channel.channelId,
        reference: record.reference,
        amount: debitAmount(record),
        payer: record.payer,
        billerId: record.billerId,
        accountNo: record.accountNo,
        description: `${biller.biller.name.en} ${record.accountNo}`.slice(0, 140),
        requestedAt: record.createdAt,
        expiresAt: record.expiresAt,
      },
    }),
    deps.topics?.commands,
  );
  return { kind: 'created', intent: record };
}
