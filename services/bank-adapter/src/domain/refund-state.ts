// The life of one refund (the reversal of a debit that bought nothing) at one channel, as plain
// decisions over plain data, the way debit-state.ts does it for debits:
// - SUCCEEDED only when the channel said the debit is reversed (its answer, or an inquiry showing it);
// - FAILED only when the channel refused the reversal with an answer of its own (or the debit cannot
//   be reversed: we have no succeeded debit to give back). Orchestration then queues it for a person;
// - anything else (timeout, 5xx, the request never left) is UNKNOWN: published once as `resolving`,
//   then settled on the channel's inquiry schedule: ask whether the debit is reversed; if it is not,
//   send the reversal again (the channel reverses a debit at most once, so a repeat is answered as
//   done and credits nothing); past the schedule, `exhausted`, and orchestration queues it.
import type { Money } from '@gateway/contracts';
import type { StatusInquirySettings } from './channel-registry.ts';
import type { CallEffect, ReversalAnswer, ReversalStatus } from './connector.ts';

export const refundStates = ['sending', 'unknown', 'succeeded', 'failed', 'exhausted'] as const;
export type RefundState = (typeof refundStates)[number];

export type RefundRecord = {
  channelId: string;
  /** The debit's reference (our id); one refund per debit. */
  reference: string;
  intentId: string;
  /** The channel's id of the debit being reversed (what its reversal and inquiry routes take). */
  channelRef: string;
  channelTxnId: string;
  amount: Money;
  state: RefundState;
  reversalId: string | null;
  refundedAt: string | null;
  failureCode: string | null;
  failureMessage: string | null;
  correlationId: string;
  attempts: number;
  nextInquiryAt: Date | null;
  unknownSince: Date | null;
  lastError: string | null;
};

export type RefundNotice =
  | { type: 'channel.refund-succeeded'; reversalId: string | null; refundedAt: string }
  | { type: 'channel.refund-failed'; message: string; channelCode: string | null }
  | { type: 'channel.refund-unknown'; stage: 'resolving' | 'exhausted'; attempts: number; since: string; lastError: string | null };

export type RefundDecision = { record: RefundRecord; notice: RefundNotice | null };

function succeeded(record: RefundRecord, reversalId: string | null, at: string): RefundDecision {
  const next: RefundRecord = { ...record, state: 'succeeded', reversalId: reversalId ?? record.reversalId, refundedAt: at, nextInquiryAt: null };
  return { record: next, notice: { type: 'channel.refund-succeeded', reversalId: next.reversalId, refundedAt: at } };
}

export function refundFailed(record: RefundRecord, message: string, code: string | null): RefundDecision {
  const next: RefundRecord = { ...record, state: 'failed', failureCode: code, failureMessage: message.slice(0, 500), nextInquiryAt: null };
  return { record: next, notice: { type: 'channel.refund-failed', message: next.failureMessage ?? '', channelCode: code } };
}

function unknownNotice(record: RefundRecord, stage: 'resolving' | 'exhausted'): RefundNotice {
  return { type: 'channel.refund-unknown', stage, attempts: record.attempts, since: (record.unknownSince ?? new Date(0)).toISOString(), lastError: record.lastError };
}

/** What the channel's answer to a reversal makes of the refund. */
export function afterReversal(record: RefundRecord, answer: ReversalAnswer, now: Date): RefundDecision {
  if (answer.kind === 'reversed') return succeeded(record, answer.reversalId, now.toISOString());
  return refundFailed(record, answer.message, answer.code);
}

/**
 * A reversal without a business answer. A 4xx the channel gave is a refusal (failed). Anything else,
 * even a request that never left, becomes unknown: resolved by asking, and the reversal is sent again
 * only once the channel says the debit is not reversed.
 */
export function afterReversalError(record: RefundRecord, effect: CallEffect, message: string, now: Date, settings: StatusInquirySettings, status: number | null): RefundDecision {
  if (effect === 'none' && status !== null && status >= 400 && status < 500) return refundFailed(record, message, String(status));
  return inconclusive(record, message, now, settings, false);
}

/**
 * One attempt that settled nothing: the next is scheduled, or, past the schedule, exhausted. `free`:
 * the attempt never reached the channel (refused locally by its breaker or switch) and uses none of
 * the schedule. The unknown is published once, when it starts, and again when it is exhausted.
 */
export function inconclusive(record: RefundRecord, why: string, now: Date, settings: StatusInquirySettings, free: boolean): RefundDecision {
  const attempts = record.attempts + (free ? 0 : 1);
  const started = record.state !== 'unknown';
  const base: RefundRecord = { ...record, attempts, lastError: why.slice(0, 500), unknownSince: record.unknownSince ?? now };
  if (attempts >= settings.backoffMs.length) {
    const next: RefundRecord = { ...base, state: 'exhausted', nextInquiryAt: null };
    return { record: next, notice: unknownNotice(next, 'exhausted') };
  }
  const next: RefundRecord = { ...base, state: 'unknown', nextInquiryAt: new Date(now.getTime() + settings.backoffMs[attempts]!) };
  return { record: next, notice: started ? unknownNotice(next, 'resolving') : null };
}

/** What an inquiry's answer settles: reversed is success; not reversed means "send it again" (null). */
export function afterReversalStatus(record: RefundRecord, status: ReversalStatus, now: Date): RefundDecision | null {
  switch (status.kind) {
    case 'reversed':
      return succeeded(record, null, status.reversedAt ?? now.toISOString());
    case 'not_found':
      return refundFailed(record, 'The channel has no such debit to give back.', 'not_found');
    case 'not_reversed':
      return null;
  }
}

/** The result a record stands for, to answer a repeated command without a call. */
export function refundNoticeOf(record: RefundRecord): RefundNotice | null {
  switch (record.state) {
    case 'succeeded':
      return { type: 'channel.refund-succeeded', reversalId: record.reversalId, refundedAt: record.refundedAt ?? new Date(0).toISOString() };
    case 'failed':
      return { type: 'channel.refund-failed', message: record.failureMessage ?? '', channelCode: record.failureCode };
    case 'exhausted':
      return unknownNotice(record, 'exhausted');
    case 'unknown':
    case 'sending':
      return null;
  }
}
