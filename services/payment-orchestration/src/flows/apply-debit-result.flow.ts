// A payment intent moved on the bank adapter's result for its debit (channels.results): OTP
// requested, debit succeeded, failed, or unknown, in the caller's transaction (the channel-results
// consumer's inbox transaction); the intent row is locked, so a result and a portal command on the
// same intent never interleave.
//
// A debit-succeeded is the one result that carries money: it is recorded through recordPayment (the
// one code path that creates payments, with its no-double-payment guard) in the same transaction as
// the intent's change. If recordPayment refuses, the payer was still debited: the intent is canceled
// and its debit given back (payment-refused → channel.refund-requested), or queued for reconciliation
// where the state machine says so. A debit for an intent we do not know is queued as well. Nothing
// that moved money is dropped.
//
// What throws: only infrastructure failures, so the kit's consumer retries and, if they persist,
// dead-letters the event where it can be replayed. Stale or contradictory results are values.
import { moneyEquals } from '@gateway/contracts';
import type { AnyEvent, EventOf } from '@gateway/contracts';
import type { PoolClient } from 'pg';
import type { BillerCatalogue, ChannelCatalogue } from '../domain/catalogues.ts';
import type { FeeSchedule } from '../domain/fees.ts';
import { debitAmount, intentBillIds } from '../domain/intent-record.ts';
import type { IntentRecord } from '../domain/intent-record.ts';
import { decideIntent } from '../domain/intent-state.ts';
import type { IntentDecision, IntentInput } from '../domain/intent-state.ts';
import { lockIntent, queueReconciliation } from '../store/pg-intent-store.ts';
import { applyIntentChange } from './intent-change.ts';
import type { IntentChangeContext, IntentTopics } from './intent-change.ts';
import { paymentContext, recordPayment } from './record-payment.flow.ts';
import type { RecordPaymentInput } from './record-payment.flow.ts';

export type ApplyDebitResultDeps = {
  catalogues: { billers: BillerCatalogue; channels: ChannelCatalogue; fees: FeeSchedule };
  /** Where intent events and status requests go; the catalogue's topics unless a test says otherwise. */
  topics?: IntentTopics | undefined;
  /** The day a settlement file put the debit in, when the result is the file's word (reconciliation). */
  businessDate?: string | undefined;
};

export type DebitResult = EventOf<'channel.otp-required' | 'channel.debit-succeeded' | 'channel.debit-failed' | 'channel.debit-unknown'>;

export type ResultOutcome = { outcome: string; intent: IntentRecord | null };

export function isDebitResult(event: AnyEvent): event is DebitResult {
  return (
    event.type === 'channel.otp-required' ||
    event.type === 'channel.debit-succeeded' ||
    event.type === 'channel.debit-failed' ||
    event.type === 'channel.debit-unknown'
  );
}

function inputOf(event: DebitResult, intent: IntentRecord): { input: IntentInput; extra: Partial<IntentRecord>; reason: string | null } {
  switch (event.type) {
    case 'channel.otp-required': {
      const p = event.payload;
      return {
        input: { type: 'otp-required', reason: p.reason, attemptsLeft: p.attemptsLeft },
        extra: { otp: { length: p.otpLength, attemptsLeft: p.attemptsLeft, expiresAt: p.expiresAt }, channelRef: p.channelRef ?? intent.channelRef },
        reason: null,
      };
    }
    case 'channel.debit-failed': {
      const p = event.payload;
      return { input: { type: 'debit-failed', error: { reason: p.reason, message: p.message, channelCode: p.channelCode } }, extra: {}, reason: null };
    }
    case 'channel.debit-unknown': {
      const p = event.payload;
      return {
        input: { type: 'debit-unknown', stage: p.stage, lastError: p.lastError },
        extra: { unknownAttempts: p.attempts, channelRef: p.channelRef ?? intent.channelRef },
        reason: p.lastError,
      };
    }
    case 'channel.debit-succeeded': {
      const p = event.payload;
      return {
        input: { type: 'debit-succeeded', channelTxnId: p.channelTxnId, amountMatches: moneyEquals(p.amount, debitAmount(intent)) },
        extra: {},
        reason: null,
      };
    }
  }
}

/** The payment an intent's debit buys: its bills, amount and fee as fixed at creation. */
export function intentPaymentInput(
  intent: IntentRecord,
  debit: { channelTxnId: string; debitedAt: string },
  cause: { correlationId: string; causationId: string | null },
): RecordPaymentInput {
  return {
    clientId: intent.clientId,
    channelId: intent.channelId,
    channelTxnId: debit.channelTxnId,
    source: 'intent',
    intentId: intent.intentId,
    billerId: intent.billerId,
    accountNo: intent.accountNo,
    billIds: intentBillIds(intent),
    amount: intent.amount,
    fee: intent.fee,
    paidAt: debit.debitedAt,
    inquiryRef: null,
    payerMsisdn: intent.payer.msisdn,
    ...cause,
  };
}

/** Applies one channel result inside the caller's transaction (the inbox's). */
export async function applyDebitResult(client: PoolClient, event: DebitResult, deps: ApplyDebitResultDeps, now: Date): Promise<ResultOutcome> {
  const p = event.payload;
  const intent = await lockIntent(client, p.intentId);
  if (intent === null || intent.channelId !== p.channelId) {
    // Not ours (or not from the channel we asked): if it says money moved, or may have, an operator
    // must find out where; anything else changes nothing.
    if (event.type === 'channel.debit-succeeded' || event.type === 'channel.debit-unknown') {
      await queueReconciliation(client, {
        intentId: p.intentId,
        channelId: p.channelId,
        reason: 'contradictory_result',
        detail: intent === null ? `${event.type} for an intent we do not know` : `${event.type} from ${p.channelId}, but the intent is on ${intent.channelId}`,
        status: intent?.status ?? null,
        moneyMoved: event.type === 'channel.debit-succeeded' ? 'yes' : 'unknown',
        channelTxnId: event.type === 'channel.debit-succeeded' ? event.payload.channelTxnId : null,
        amount: event.type === 'channel.debit-succeeded' ? event.payload.amount : null,
        eventId: event.eventId,
      });
      return { outcome: 'queued_unmatched', intent };
    }
    return { outcome: 'ignored_unmatched', intent };
  }

  const ctx: IntentChangeContext = {
    now,
    correlationId: event.correlationId,
    causationId: event.eventId,
    topics: deps.topics,
    eventId: event.eventId,
  };
  const { input, extra, reason } = inputOf(event, intent);
  ctx.reason = reason;
  const succeeded = event.type === 'channel.debit-succeeded' ? event.payload : null;
  const queueExtra = succeeded !== null ? { channelTxnIdForQueue: succeeded.channelTxnId, moneyMoved: 'yes' as const } : {};

  let decision: IntentDecision = decideIntent(intent, input);
  let applyExtra: Parameters<typeof applyIntentChange>[4] = { ...extra, ...queueExtra };
  if (decision.kind === 'record-payment' && succeeded !== null) {
    const recorded = await recordPayment(
      client,
      intentPaymentInput(intent, succeeded, { correlationId: event.correlationId, causationId: event.eventId }),
      { ...paymentContext(deps.catalogues, now), businessDate: deps.businessDate },
    );
    if (recorded.kind === 'completed') {
      decision = decideIntent(intent, { type: 'payment-recorded', channelTxnId: succeeded.channelTxnId });
      applyExtra = { ...applyExtra, paymentId: recorded.payment.paymentId, receiptNo: recorded.payment.receiptNo };
    } else {
      decision = decideIntent(intent, { type: 'payment-refused', channelTxnId: succeeded.channelTxnId, code: recorded.code, message: recorded.message });
      // The reason the intent is canceled and its debit given back, on intent.canceled and the refund command.
      ctx.reason = `The payment was refused (${recorded.code}: ${recorded.message}); the debit is being given back.`;
    }
  }
  if (decision.kind !== 'change') return { outcome: decision.kind === 'ignored' ? `ignored: ${decision.why}` : decision.kind, intent };
  const after = await applyIntentChange(client, intent, decision, ctx, applyExtra);
  const outcome = after.reconciliation !== null && decision.emit.includes('intent.reconciliation-required') ? `reconciliation: ${after.reconciliation.reason}` : after.status;
  return { outcome, intent: after };
}

