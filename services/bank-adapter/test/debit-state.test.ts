import { describe, expect, it } from '@jest/globals';
import type { Money } from '@gateway/contracts';
import { afterCallError, afterInconclusiveInquiry, afterInquiry, afterRefusedInquiry, noticeOf } from '../src/domain/debit-state.ts';
import type { DebitRecord } from '../src/domain/debit-state.ts';

const settings = { backoffMs: [1_000, 2_000, 5_000], finalityWindowMs: 20_000 };
const t0 = new Date('2026-03-01T10:00:00Z');
const at = (ms: number) => new Date(t0.getTime() + ms);

const record: DebitRecord = {
  channelId: 'bank-alpha',
  reference: 'pi_1',
  intentId: 'pi_1',
  amount: { amount: 150_000, currency: 'SYP' } as Money,
  state: 'sending',
  channelRef: null,
  channelTxnId: null,
  debitedAt: null,
  failureReason: null,
  failureCode: null,
  failureMessage: null,
  otpLength: null,
  otpExpiresAt: null,
  otpAttemptsLeft: null,
  correlationId: 'c',
  attempts: 0,
  nextInquiryAt: null,
  sentAt: t0,
  unknownSince: null,
  lastError: null,
};

describe('debit state', () => {
  it('a timeout is UNKNOWN (published once as resolving), never FAILED', () => {
    const d = afterCallError(record, 'unknown', 'timed out', t0, settings);
    expect(d.record).toMatchObject({ state: 'unknown', attempts: 0, nextInquiryAt: at(1_000) });
    expect(d.notice).toMatchObject({ type: 'channel.debit-unknown', stage: 'resolving' });
  });

  it('a request that never left fails channel_unavailable; a 4xx refusal fails channel_error', () => {
    expect(afterCallError(record, 'none', 'ECONNREFUSED', t0, settings).notice).toMatchObject({ type: 'channel.debit-failed', reason: 'channel_unavailable' });
    expect(afterCallError(record, 'none', '409', t0, settings, 409).notice).toMatchObject({ type: 'channel.debit-failed', reason: 'channel_error', channelCode: '409' });
  });

  it('inconclusive inquiries follow the schedule, repeat its last delay, and exhaust only when the finality window ends', () => {
    let r = afterCallError(record, 'unknown', 'timed out', t0, settings).record;
    const first = afterInconclusiveInquiry(r, '500', at(1_000), settings);
    expect(first.notice).toBeNull();
    expect(first.record).toMatchObject({ state: 'unknown', attempts: 1, nextInquiryAt: at(3_000) });
    r = afterInconclusiveInquiry(first.record, '500', at(3_000), settings).record;
    expect(r).toMatchObject({ attempts: 2, nextInquiryAt: at(8_000) });
    r = afterInconclusiveInquiry(r, '500', at(8_000), settings).record;
    expect(r).toMatchObject({ state: 'unknown', attempts: 3, nextInquiryAt: at(13_000) });
    r = afterInconclusiveInquiry(r, '500', at(13_000), settings).record;
    expect(r).toMatchObject({ state: 'unknown', attempts: 4, nextInquiryAt: at(18_000) });
    // The last inquiry falls on the window's end, not past it.
    r = afterInconclusiveInquiry(r, '500', at(18_000), settings).record;
    expect(r).toMatchObject({ state: 'unknown', attempts: 5, nextInquiryAt: at(20_000) });
    const last = afterInconclusiveInquiry(r, '500', at(20_000), settings);
    expect(last.record).toMatchObject({ state: 'exhausted', attempts: 6, nextInquiryAt: null });
    expect(last.notice).toMatchObject({ type: 'channel.debit-unknown', stage: 'exhausted', attempts: 6 });
  });

  it('an inquiry refused here (breaker open, forced off) uses no attempt and keeps the window', () => {
    const r = afterCallError(record, 'unknown', 'timed out', t0, settings).record;
    let d = afterRefusedInquiry(r, 'circuit breaker bank-alpha is open', at(1_000), settings);
    for (let i = 0; i < 10; i++) d = afterRefusedInquiry(d.record, 'circuit breaker bank-alpha is open', at(1_000 + i * 1_000), settings);
    expect(d.notice).toBeNull();
    expect(d.record).toMatchObject({ state: 'unknown', attempts: 0, nextInquiryAt: at(11_000), lastError: 'circuit breaker bank-alpha is open' });
    const exhausted = { ...r, state: 'exhausted' as const, attempts: 3 };
    expect(afterRefusedInquiry(exhausted, 'forced off', at(1_000), settings)).toEqual({ record: exhausted, notice: noticeOf(exhausted) });
  });

  it('a record left sending by a crash becomes unknown at its first inconclusive inquiry, and says so once', () => {
    const d = afterInconclusiveInquiry(record, 'not found yet', at(4_000), settings);
    expect(d.record.state).toBe('unknown');
    expect(d.notice).toMatchObject({ type: 'channel.debit-unknown', stage: 'resolving' });
  });

  it('not_found proves nothing moved only after the finality window, or with the day’s statement lacking it', () => {
    const early = afterInquiry(record, { kind: 'not_found' }, at(19_999), settings);
    expect(early.record.state).toBe('unknown');
    expect(early.notice).toMatchObject({ type: 'channel.debit-unknown', stage: 'resolving' });
    const late = afterInquiry(record, { kind: 'not_found' }, at(20_000), settings);
    expect(late.record.state).toBe('failed');
    expect(late.notice).toMatchObject({ type: 'channel.debit-failed', reason: 'channel_error', channelCode: 'not_found' });
    const statement = afterInquiry(record, { kind: 'not_found' }, at(2_000), settings, true);
    expect(statement.notice).toMatchObject({ type: 'channel.debit-failed', reason: 'channel_error', channelCode: 'not_found' });
  });

  it('an answer settles it, and a repeated command is answered from the record', () => {
    const ok = afterInquiry(record, { kind: 'succeeded', channelRef: 'd1', txnId: 'T1', amount: record.amount, debitedAt: t0.toISOString() }, at(2_000), settings);
    expect(ok.record).toMatchObject({ state: 'succeeded', channelTxnId: 'T1', nextInquiryAt: null });
    expect(noticeOf(ok.record)).toEqual(ok.notice);
  });
});
