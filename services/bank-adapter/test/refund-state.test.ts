import { describe, expect, it } from '@jest/globals';
import type { Money } from '@gateway/contracts';
import { afterReversal, afterReversalError, afterReversalStatus, inconclusive, refundNoticeOf } from '../src/domain/refund-state.ts';
import type { RefundRecord } from '../src/domain/refund-state.ts';

const settings = { backoffMs: [1_000, 2_000, 5_000], finalityWindowMs: 20_000 };
const t0 = new Date('2026-03-01T10:00:00Z');

const sending: RefundRecord = {
  channelId: 'bank-alpha',
  reference: 'pi_1',
  intentId: 'pi_1',
  channelRef: 'dbt_1',
  channelTxnId: 'txn_1',
  amount: { amount: 150_000, currency: 'SYP' } as Money,
  state: 'sending',
  reversalId: null,
  refundedAt: null,
  failureCode: null,
  failureMessage: null,
  correlationId: 'c',
  attempts: 0,
  nextInquiryAt: null,
  unknownSince: null,
  lastError: null,
};

describe('refund state', () => {
  it('is refunded only on the channel\'s word, and failed only on its refusal', () => {
    expect(afterReversal(sending, { kind: 'reversed', reversalId: 'rv_1' }, t0).notice).toEqual({ type: 'channel.refund-succeeded', reversalId: 'rv_1', refundedAt: t0.toISOString() });
    expect(afterReversal(sending, { kind: 'refused', code: 'reversal_refused', message: 'no' }, t0).notice).toMatchObject({ type: 'channel.refund-failed', channelCode: 'reversal_refused' });
    // A 4xx the channel gave refuses; a timeout or a request that never left is unknown, never failed.
    expect(afterReversalError(sending, 'none', '403', t0, settings, 403).record.state).toBe('failed');
    const timedOut = afterReversalError(sending, 'unknown', 'no answer', t0, settings, null);
    expect(timedOut.record).toMatchObject({ state: 'unknown', attempts: 1, nextInquiryAt: new Date(t0.getTime() + 2_000) });
    expect(timedOut.notice).toMatchObject({ type: 'channel.refund-unknown', stage: 'resolving' });
    expect(afterReversalError(sending, 'none', 'ECONNREFUSED', t0, settings, null).record.state).toBe('unknown');
  });

  it('publishes the unknown once, uses no attempt for a call its own breaker refused, and is exhausted past the schedule', () => {
    const unknown = inconclusive(sending, 'timeout', t0, settings, false).record;
    const again = inconclusive(unknown, 'timeout', t0, settings, false);
    expect(again.notice).toBeNull();
    expect(inconclusive(unknown, 'breaker open', t0, settings, true).record.attempts).toBe(unknown.attempts);
    const last = inconclusive(again.record, 'timeout', t0, settings, false);
    expect(last.record.state).toBe('exhausted');
    expect(last.notice).toMatchObject({ type: 'channel.refund-unknown', stage: 'exhausted', attempts: 3 });
    expect(refundNoticeOf(last.record)).toMatchObject({ stage: 'exhausted' });
  });

  it('settles an inquiry: reversed is refunded, an unknown debit is failed, not reversed means send it again', () => {
    expect(afterReversalStatus(sending, { kind: 'reversed', reversedAt: t0.toISOString() }, t0)?.record).toMatchObject({ state: 'succeeded', refundedAt: t0.toISOString() });
    expect(afterReversalStatus(sending, { kind: 'not_found' }, t0)?.record.state).toBe('failed');
    expect(afterReversalStatus(sending, { kind: 'not_reversed' }, t0)).toBeNull();
  });
});
