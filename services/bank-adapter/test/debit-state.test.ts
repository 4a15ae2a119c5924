import { describe, expect, it } from '@jest/globals';
import type { Money } from '@gateway/contracts';
import { afterCallError, afterInconclusiveInquiry, afterInquiry, noticeOf } from '../src/domain/debit-state.ts';
import type { DebitRecord } from '../src/domain/debit-state.ts';

const settings = { backoffMs: [1_000, 2_000, 5_000], notFoundAfterMs: 10_000 };
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

  it('inconclusive inquiries follow the schedule, then the debit is exhausted', () => {
    let r = afterCallError(record, 'unknown', 'timed out', t0, settings).record;
    const first = afterInconclusiveInquiry(r, '500', at(1_000), settings);
    expect(first.notice).toBeNull();
    expect(first.record).toMatchObject({ state: 'unknown', attempts: 1, nextInquiryAt: at(3_000) });
    r = afterInconclusiveInquiry(first.record, '500', at(3_000), settings).record;
    expect(r).toMatchObject({ attempts: 2, nextInquiryAt: at(8_000) });
    const last = afterInconclusiveInquiry(r, '500', at(8_000), settings);
    expect(last.record).toMatchObject({ state: 'exhausted', attempts: 3, nextInquiryAt: null });
    expect(last.notice).toMatchObject({ type: 'channel.debit-unknown', stage: 'exhausted', attempts: 3 });
  });

  it('a record left sending by a crash becomes unknown at its first inconclusive inquiry, and says so once', () => {
    const d = afterInconclusiveInquiry(record, 'not found yet', at(4_000), settings);
    expect(d.record.state).toBe('unknown');
    expect(d.notice).toMatchObject({ type: 'channel.debit-unknown', stage: 'resolving' });
  });

  it('not_found proves nothing moved only long enough after the send', () => {
    const early = afterInquiry(record, { kind: 'not_found' }, at(5_000), settings);
    expect(early.record.state).toBe('unknown');
    const late = afterInquiry(record, { kind: 'not_found' }, at(10_000), settings);
    expect(late.record.state).toBe('failed');
    expect(late.notice).toMatchObject({ type: 'channel.debit-failed', reason: 'channel_error', channelCode: 'not_found' });
  });

  it('an answer settles it, and a repeated command is answered from the record', () => {
    const ok = afterInquiry(record, { kind: 'succeeded', channelRef: 'd1', txnId: 'T1', amount: record.amount, debitedAt: t0.toISOString() }, at(2_000), settings);
    expect(ok.record).toMatchObject({ state: 'succeeded', channelTxnId: 'T1', nextInquiryAt: null });
    expect(noticeOf(ok.record)).toEqual(ok.notice);
  });
});
