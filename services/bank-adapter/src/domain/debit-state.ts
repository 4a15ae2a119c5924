// The life of one debit at one channel, as plain decisions over plain data: given what we knew and
// what just happened (the channel answered, a call failed, a status inquiry answered or failed),
// what we know now and which result, if any, orchestration must hear.
//
// The rules that matter for money:
// - FAILED is published only when no money can have moved: the channel said so, the request never
//   left us (breaker open, forced off, connection refused), or the channel has no trace of our
//   reference after its finality window (hours) or in its settlement statement for the day.
// - Anything else without an answer is UNKNOWN: published once as `resolving`, then settled by
//   status inquiries on the channel's backoff schedule until its finality window ends; only then
//   `exhausted`. An inquiry we refused ourselves (breaker open, forced off) is no attempt at all.
// - The debit itself is never sent again from here. Resolution is always by asking.
import type { FailureReason, Money } from '@gateway/contracts';
import type { CallEffect, DebitAnswer, InquiryAnswer } from './connector.ts';
import type { StatusInquirySettings } from './channel-registry.ts';

export const debitStates = ['sending', 'otp_required', 'confirming', 'unknown', 'succeeded', 'failed', 'exhausted'] as const;
export type DebitState = (typeof debitStates)[number];

/** States the poller works on: an outcome nobody is about to report. */
export const openStates: readonly DebitState[] = ['sending', 'confirming', 'unknown'];

export type DebitRecord = {
  channelId: string;
  reference: string;
  intentId: string;
  amount: Money;
  state: DebitState;
  channelRef: string | null;
  channelTxnId: string | null;
  debitedAt: string | null;
  failureReason: FailureReason | null;
  failureCode: string | null;
  failureMessage: string | null;
  otpLength: number | null;
  otpExpiresAt: string | null;
  otpAttemptsLeft: number | null;
  correlationId: string;
  attempts: number;
  nextInquiryAt: Date | null;
  sentAt: Date | null;
  unknownSince: Date | null;
  lastError: string | null;
};

/** A result for orchestration, without the fields every result shares (intent, channel, reference). */
export type ResultNotice =
  | { type: 'channel.debit-succeeded'; channelTxnId: string; amount: Money; debitedAt: string }
  | { type: 'channel.debit-failed'; reason: FailureReason; message: string; channelCode: string | null }
  | { type: 'channel.otp-required'; channelRef: string | null; otpLength: number; reason: 'initial' | 'invalid_otp'; attemptsLeft: number | null; expiresAt: string }
  | { type: 'channel.debit-unknown'; channelRef: string | null; stage: 'resolving' | 'exhausted'; attempts: number; since: string; lastError: string | null };

// What a wallet's OTP is when the channel never said (every wallet we know sends six digits).
const defaultOtpLength = 6;

export type DebitDecision = { record: DebitRecord; notice: ResultNotice | null };

/** Fields of a record that describe an outcome; cleared when the outcome changes. */
function settle(record: DebitRecord, state: DebitState): DebitRecord {
  return { ...record, state, nextInquiryAt: null, lastError: state === 'unknown' || state === 'exhausted' ? record.lastError : null };
}

function failed(record: DebitRecord, reason: FailureReason, message: string, code: string | null): DebitDecision {
  const next = { ...settle(record, 'failed'), failureReason: reason, failureCode: code, failureMessage: message.slice(0, 500) };
  return { record: next, notice: { type: 'channel.debit-failed', reason, message: message.slice(0, 500), channelCode: code } };
}

/** What an answer from the channel (to a debit, a confirm or an inquiry) makes of the record. */
export function afterAnswer(record: DebitRecord, answer: DebitAnswer): DebitDecision {
  switch (answer.kind) {
    case 'succeeded': {
      const next = { ...settle(record, 'succeeded'), channelRef: answer.channelRef, channelTxnId: answer.txnId, debitedAt: answer.debitedAt };
      return { record: next, notice: { type: 'channel.debit-succeeded', channelTxnId: answer.txnId, amount: answer.amount, debitedAt: answer.debitedAt } };
    }
    case 'otp_required': {
      const next = {
        ...settle(record, 'otp_required'),
        channelRef: answer.channelRef ?? record.channelRef,
        otpLength: answer.otpLength ?? record.otpLength ?? defaultOtpLength,
        otpExpiresAt: answer.expiresAt ?? record.otpExpiresAt,
        otpAttemptsLeft: answer.attemptsLeft,
      };
      if (next.otpExpiresAt === null) return afterAnswer(record, { kind: 'failed', channelRef: next.channelRef, reason: 'channel_error', code: null, message: 'The channel asked for an OTP without saying until when.' });
      return {
        record: next,
        notice: {
          type: 'channel.otp-required',
          channelRef: next.channelRef,
          otpLength: next.otpLength,
          reason: answer.invalidOtp ? 'invalid_otp' : 'initial',
          attemptsLeft: answer.attemptsLeft,
          expiresAt: next.otpExpiresAt,
        },
      };
    }
    case 'failed':
      return failed({ ...record, channelRef: answer.channelRef ?? record.channelRef }, answer.reason, answer.message, answer.code);
  }
}

/** A debit we decided not to send (breaker open, forced off, intent expired): failed, nothing moved. */
export function notSent(record: DebitRecord, reason: FailureReason, message: string): DebitDecision {
  return failed(record, reason, message, null);
}

/**
 * A debit or confirm call that got no business answer. `none`: the request cannot have had an
 * effect: it never left (the channel is, to us, unavailable) or the channel refused the request
 * itself with a 4xx (a channel error: our request or configuration is wrong). `unknown`: it may have
 * been executed; publish that once and start asking.
 */
export function afterCallError(record: DebitRecord, effect: CallEffect, message: string, now: Date, settings: StatusInquirySettings, status: number | null = null): DebitDecision {
  if (effect === 'none') {
    const refused = status !== null && status >= 400 && status < 500;
    return failed(record, refused ? 'channel_error' : 'channel_unavailable', message, refused ? String(status) : null);
  }
  const next: DebitRecord = {
    ...record,
    state: 'unknown',
    attempts: 0,
    unknownSince: now,
    nextInquiryAt: new Date(now.getTime() + settings.backoffMs[0]!),
    lastError: message.slice(0, 500),
  };
  return { record: next, notice: unknownNotice(next, 'resolving') };
}

function unknownNotice(record: DebitRecord, stage: 'resolving' | 'exhausted'): ResultNotice {
  return {
    type: 'channel.debit-unknown',
    channelRef: record.channelRef,
    stage,
    attempts: record.attempts,
    since: (record.unknownSince ?? record.sentAt ?? new Date(0)).toISOString(),
    lastError: record.lastError,
  };
}

/** The delay before the inquiry after `attempts` of them: the schedule's, then its last, repeated. */
function delayAfter(attempts: number, settings: StatusInquirySettings): number {
  return settings.backoffMs[Math.min(attempts, settings.backoffMs.length - 1)]!;
}

/** When the channel's finality window ends for this debit: counted from the send (or, never sent, from when we lost track). */
function windowEnd(record: DebitRecord, settings: StatusInquirySettings, now: Date): number {
  return (record.sentAt ?? record.unknownSince ?? now).getTime() + settings.finalityWindowMs;
}

/**
 * An inquiry that settled nothing (it failed, or not_found came inside the finality window): one
 * attempt used; the next is scheduled (the last one exactly at the window's end), or, with the window
 * over, the debit is exhausted. A record found in `sending`/`confirming` (we crashed mid-call)
 * becomes unknown here, and that is published once.
 */
export function afterInconclusiveInquiry(record: DebitRecord, why: string, now: Date, settings: StatusInquirySettings): DebitDecision {
  const attempts = record.attempts + 1;
  const becameUnknown = record.state !== 'unknown';
  const base: DebitRecord = { ...record, attempts, lastError: why.slice(0, 500), unknownSince: record.unknownSince ?? now };
  const end = windowEnd(base, settings, now);
  if (now.getTime() >= end) {
    const next = { ...base, state: 'exhausted' as const, nextInquiryAt: null };
    return { record: next, notice: unknownNotice(next, 'exhausted') };
  }
  const next = { ...base, state: 'unknown' as const, nextInquiryAt: new Date(Math.min(now.getTime() + delayAfter(attempts, settings), end)) };
  return { record: next, notice: becameUnknown ? unknownNotice(next, 'resolving') : null };
}

/**
 * An inquiry refused here before it left (the channel's breaker open, an operator's switch off): the
 * channel was not asked, so no attempt is used and the window is not shortened; it is asked again
 * after the current step's delay. A record no longer open (asked on orchestration's request) keeps
 * what we last knew, and that is repeated.
 */
export function afterRefusedInquiry(record: DebitRecord, why: string, now: Date, settings: StatusInquirySettings): DebitDecision {
  if (!openStates.includes(record.state)) return { record, notice: noticeOf(record) };
  const next: DebitRecord = { ...record, lastError: why.slice(0, 500), nextInquiryAt: new Date(now.getTime() + delayAfter(record.attempts, settings)) };
  return { record: next, notice: null };
}

/**
 * What a status inquiry's answer makes of the record. `absentFromStatement`: the channel's settlement
 * statement for the day of the send, fetched after that day closed, has no row with our reference.
 */
export function afterInquiry(record: DebitRecord, answer: InquiryAnswer, now: Date, settings: StatusInquirySettings, absentFromStatement = false): DebitDecision {
  if (answer.kind !== 'not_found') return afterAnswer(record, answer);
  if (record.sentAt === null) return failed(record, 'channel_error', 'The debit was never sent to the channel.', null);
  // The channel has no debit with our reference. Final only once it cannot still come: after the
  // channel's finality window, or when its closed statement for the day shows no such debit. Then it
  // never arrived (the connection broke first, or we crashed between recording and sending), nothing
  // moved, and we will never send it again, so failing it is final and safe. Before that, a bank that
  // queued it may yet move the money: unknown, the bills stay held.
  const waited = now.getTime() - record.sentAt.getTime();
  if (waited >= settings.finalityWindowMs) {
    return failed(record, 'channel_error', `The channel has no trace of the debit ${Math.floor(waited / 60_000)} min after it was sent (past its finality window).`, 'not_found');
  }
  if (absentFromStatement) return failed(record, 'channel_error', "The channel's settlement statement for the day of the send has no such debit.", 'not_found');
  return afterInconclusiveInquiry(record, `not found at the channel ${waited} ms after sending; it may still be queued there`, now, settings);
}

/** The result a record stands for, to answer a repeated command or a status request without a call. */
export function noticeOf(record: DebitRecord): ResultNotice | null {
  switch (record.state) {
    case 'succeeded':
      if (record.channelTxnId === null || record.debitedAt === null) return null;
      return { type: 'channel.debit-succeeded', channelTxnId: record.channelTxnId, amount: record.amount, debitedAt: record.debitedAt };
    case 'failed':
      return { type: 'channel.debit-failed', reason: record.failureReason ?? 'channel_error', message: record.failureMessage ?? '', channelCode: record.failureCode };
    case 'otp_required':
      if (record.otpLength === null || record.otpExpiresAt === null) return null;
      return { type: 'channel.otp-required', channelRef: record.channelRef, otpLength: record.otpLength, reason: 'initial', attemptsLeft: record.otpAttemptsLeft, expiresAt: record.otpExpiresAt };
    case 'exhausted':
      return unknownNotice(record, 'exhausted');
    case 'unknown':
      return unknownNotice(record, 'resolving');
    case 'sending':
    case 'confirming':
      return null;
  }
}

/** A terminal record: the channel's word is final and nothing is left to ask. */
export function isSettled(record: DebitRecord): boolean {
  return record.state === 'succeeded' || record.state === 'failed';
}
