// Gives back debits that bought nothing (channel.refund-requested from orchestration): the connector
// reverses the debit at the channel, with the same discipline as a debit (debit-processor.ts):
// - the refund is recorded as `sending` in the same transaction as the command's inbox row, and that
//   commits before the reversal leaves, so a redelivered command never sends it twice;
// - a reversal without an answer (timeout, 5xx, even a request that never left) is UNKNOWN, never
//   guessed: the refund poller asks the channel whether the debit is reversed, and sends the
//   reversal again only when the channel says it is not (a channel reverses a debit at most once);
// - every change and its result event (channel.refund-*) commit together through the outbox.
import type { EventOf } from '@gateway/contracts';
import { handleOnce, withTransaction } from '@gateway/kit';
import type { Logger } from '@gateway/kit';
import type { Pool } from 'pg';
import type { CallOutcome, ChannelGateway } from '../channels/channel-gateway.ts';
import type { ChannelDefinition } from '../domain/channel-registry.ts';
import type { ReversalAnswer, ReversalStatus } from '../domain/connector.ts';
import { afterReversal, afterReversalError, afterReversalStatus, inconclusive, refundFailed, refundNoticeOf } from '../domain/refund-state.ts';
import type { RefundDecision, RefundRecord } from '../domain/refund-state.ts';
import { lockDebit } from '../store/pg-debit-store.ts';
import { enqueueRefundResult, insertRefund, lockRefund, saveRefund } from '../store/pg-refund-store.ts';
import { commandsInbox } from './debit-processor.ts';

export type RefundProcessorDeps = {
  pool: Pool;
  gateway: ChannelGateway;
  logger: Logger;
  clock?: (() => Date) | undefined;
  /** Where results go; channels.results unless a test says otherwise. */
  resultsTopic?: string | undefined;
};

export type RefundProcessor = {
  refundRequested(event: EventOf<'channel.refund-requested'>): Promise<string>;
  /** One due refund the refund poller claimed: ask the channel, and reverse again if it was not. */
  resolveDue(record: RefundRecord): Promise<string>;
  /** Refunds with a call in flight in this process (the poller leaves them alone). */
  inFlight(): string[];
};

const flightKey = (r: { channelId: string; reference: string }) => `${r.channelId} ${r.reference}`;
const reasonOf = (r: RefundRecord) => `Refund of ${r.reference}: the payment it was for was refused`;

export function createRefundProcessor(deps: RefundProcessorDeps): RefundProcessor {
  const { pool, gateway } = deps;
  const log = deps.logger.child({ component: 'refund-processor' });
  const clock = deps.clock ?? (() => new Date());
  const flying = new Set<string>();

  /** Records what the channel's word (or silence) made of a refund still waiting for it. */
  async function settle(target: RefundRecord, decide: (current: RefundRecord, now: Date) => RefundDecision, causationId: string | null): Promise<string> {
    return withTransaction(
      pool,
      async (client) => {
        const current = await lockRefund(client, target.channelId, target.reference);
        if (current === null) return 'missing';
        if (current.state !== 'sending' && current.state !== 'unknown') return `superseded: ${current.state}`;
        const decision = decide(current, clock());
        await saveRefund(client, decision.record);
        if (decision.notice !== null) await enqueueRefundResult(client, decision.record, decision.notice, { now: clock(), causationId, topic: deps.resultsTopic });
        return decision.record.state;
      },
      { retries: 3 },
    );
  }

  function fromReversal(channel: ChannelDefinition, outcome: CallOutcome<ReversalAnswer>) {
    return (current: RefundRecord, now: Date): RefundDecision => {
      if (outcome.ok) return afterReversal(current, outcome.value, now);
      // Refused by our own breaker or switch: nothing left, and no attempt of the schedule is used.
      if (outcome.rejected) return inconclusive(current, outcome.message, now, channel.statusInquiry, true);
      return afterReversalError(current, outcome.effect, outcome.message, now, channel.statusInquiry, outcome.status);
    };
  }

  async function reverse(channel: ChannelDefinition, record: RefundRecord, causationId: string | null): Promise<string> {
    const outcome = await gateway.call(record.channelId, 'reversal', (connector, signal) => connector.reverse(record.channelRef, reasonOf(record), signal));
    if (!outcome.ok) log.warn({ intentId: record.intentId, channelId: record.channelId, effect: outcome.effect, error: outcome.message }, 'reversal got no answer');
    return settle(record, fromReversal(channel, outcome), causationId);
  }

  async function refundRequested(event: EventOf<'channel.refund-requested'>): Promise<string> {
    const p = event.payload;
    const channel = gateway.definition(p.channelId);
    const handled = await handleOnce(
      pool,
      commandsInbox,
      event,
      async (client): Promise<{ done: string } | { send: RefundRecord }> => {
        const existing = await lockRefund(client, p.channelId, p.reference);
        if (existing !== null) {
          // A repeated command: answered from the record; the poller owns an open one.
          const notice = refundNoticeOf(existing);
          if (notice !== null) await enqueueRefundResult(client, existing, notice, { now: clock(), causationId: event.eventId, topic: deps.resultsTopic });
          return { done: `repeat: ${existing.state}` };
        }
        const debit = await lockDebit(client, p.channelId, p.reference);
        const base = { channelId: p.channelId, reference: p.reference, intentId: p.intentId, channelTxnId: p.channelTxnId, amount: p.amount, correlationId: event.correlationId };
        if (channel === undefined || debit === null || debit.state !== 'succeeded' || debit.channelRef === null || debit.channelTxnId !== p.channelTxnId) {
          // Nothing we debited matches: there is nothing to reverse, and a person must find out why.
          const why = channel === undefined ? `The adapter has no channel ${p.channelId}.` : `No succeeded debit ${p.channelTxnId} under this reference to give back.`;
          await enqueueRefundResult(client, base, refundFailed({ ...fresh(base, ''), state: 'sending' }, why, null).notice!, { now: clock(), causationId: event.eventId, topic: deps.resultsTopic });
          return { done: 'failed: no debit' };
        }
        const record = fresh(base, debit.channelRef);
        // Past the call's own timeout the poller takes over, should this process die mid-call.
        record.nextInquiryAt = new Date(clock().getTime() + channel.breaker.timeoutMs + channel.statusInquiry.backoffMs[0]!);
        await insertRefund(client, record);
        return { send: record };
      },
      { retries: 3 },
    );
    if (handled.duplicate) return 'duplicate';
    if ('done' in handled.result) return handled.result.done;
    const record = handled.result.send;
    flying.add(flightKey(record));
    try {
      return await reverse(channel!, record, event.eventId);
    } finally {
      flying.delete(flightKey(record));
    }
  }

  async function resolveDue(target: RefundRecord): Promise<string> {
    const channel = gateway.definition(target.channelId);
    if (channel === undefined) {
      log.error({ channelId: target.channelId, reference: target.reference }, 'a refund is pending at a channel no longer configured; reconcile it by hand');
      return 'unknown channel';
    }
    const key = flightKey(target);
    if (flying.has(key)) return 'in flight';
    flying.add(key);
    try {
      const inquiry = await gateway.call(target.channelId, 'inquiry', (connector, signal) => connector.reversalStatus(target.channelRef, signal));
      let resend = false;
      const outcome = await settle(
        target,
        (current, now) => {
          if (!inquiry.ok) return inconclusive(current, inquiry.message, now, channel.statusInquiry, inquiry.rejected);
          const decided = afterReversalStatus(current, inquiry.value satisfies ReversalStatus, now);
          if (decided !== null) return decided;
          // The channel says the debit is not reversed: the reversal never landed; send it again.
          resend = true;
          return { record: current, notice: null };
        },
        null,
      );
      return resend ? await reverse(channel, target, null) : outcome;
    } finally {
      flying.delete(key);
    }
  }

  return { refundRequested, resolveDue, inFlight: () => [...flying] };
}

function fresh(base: { channelId: string; reference: string; intentId: string; channelTxnId: string; amount: RefundRecord['amount']; correlationId: string }, channelRef: string): RefundRecord {
  return {
    ...base,
    channelRef,
    state: 'sending',
    reversalId: null,
    refundedAt: null,
    failureCode: null,
    failureMessage: null,
    attempts: 0,
    nextInquiryAt: null,
    unknownSince: null,
    lastError: null,
  };
}
