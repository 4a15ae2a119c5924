// The after-filing complaint checks' decisions (src/domain/complaint-check.ts) by example, for the
// cases the cross-service test (complaint-checks.test.ts) does not drive through the simulators: a
// channel's own payment, nothing debited, ours done where the channel disagrees, several payments,
// SMS not delivered.
import { describe, expect, it } from '@jest/globals';
import { money } from '@gateway/contracts';
import type { DebitInquiry } from '@gateway/contracts';
import { checkDoubleDebit, checkNoSms, checkRefundNotReceived, checkWrongAmount } from '../src/domain/complaint-check.ts';
import type { DebitFacts, MessageFacts } from '../src/domain/complaint-check.ts';

const syp = (amount: number) => ({ amount, currency: 'SYP' });
const at = new Date('2026-05-20T09:00:00.000Z');

function inquiry(status: DebitInquiry['channel']['status'], over: { amount?: number; reversed?: boolean } = {}): DebitInquiry {
  const debited = status === 'succeeded';
  return {
    channelId: 'bank-alpha',
    reference: 'pi_x',
    inquiredAt: at.toISOString(),
    channel: { status, amount: debited ? money(over.amount ?? 150_000, 'SYP') : null, channelRef: debited ? 'D-1' : null, txnId: debited ? 'T-1' : null, debitedAt: debited ? at.toISOString() : null, failure: null },
    reversal: debited ? { status: over.reversed ? 'reversed' : 'not_reversed', reversedAt: over.reversed ? at.toISOString() : null } : null,
    debit: null,
    refund: null,
  };
}

const intentDebit = (id: string, channel: DebitInquiry, over: Partial<Extract<DebitFacts, { source: 'intent' }>> = {}): DebitFacts => ({
  source: 'intent',
  intentId: id,
  channelId: 'bank-alpha',
  amount: syp(150_000),
  fee: 0,
  intentStatus: 'succeeded',
  createdAt: at,
  payment: { paymentId: `pay_${id}`, receiptNo: `R-${id}`, status: 'completed' },
  refund: null,
  channel,
  ...over,
});

const channelPayment = (status: 'completed' | 'reversed'): DebitFacts => ({
  source: 'channel',
  paymentId: 'pay_w',
  receiptNo: 'R-W',
  channelId: 'wallet-one',
  channelTxnId: 'W1-1',
  amount: syp(150_000),
  fee: 0,
  status,
  paidAt: at,
  reversedAt: status === 'reversed' ? at : null,
});

describe('double_debit', () => {
  it('nothing debited anywhere is queued; two debits each with its own payment are resolved naming both receipts', () => {
    expect(checkDoubleDebit([intentDebit('a', inquiry('failed'))])).toMatchObject({ kind: 'queued', evidence: { stuckAt: 'no_debit', debits: [] } });
    const two = checkDoubleDebit([intentDebit('a', inquiry('succeeded')), channelPayment('completed')]);
    expect(two).toMatchObject({ kind: 'resolved', resolution: expect.stringContaining('R-a, R-W') });
  });

  it('a debit that bought nothing beside another is queued naming it while the channel has not given it back', () => {
    const extra = intentDebit('b', inquiry('succeeded'), { intentStatus: 'canceled', payment: null, refund: { status: 'requested', requestedAt: at, refundedAt: null, reversalId: null } });
    expect(checkDoubleDebit([channelPayment('completed'), extra])).toMatchObject({ kind: 'queued', evidence: { stuckAt: 'refund_needed', refund: ['b'] } });
  });
});

describe('wrong_amount', () => {
  it('a channel’s own payment is queued for the channel to answer; a channel that did not debit is queued; no debit is queued', () => {
    expect(checkWrongAmount(channelPayment('completed'))).toMatchObject({ kind: 'queued', evidence: { stuckAt: 'channel_initiated' } });
    expect(checkWrongAmount(intentDebit('a', inquiry('not_found')))).toMatchObject({ kind: 'queued', evidence: { stuckAt: 'not_debited' } });
    expect(checkWrongAmount(null)).toMatchObject({ kind: 'queued', evidence: { stuckAt: 'no_debit' } });
  });

  it('the fee counts: the channel debiting amount + fee is resolved, the amount alone is queued with both', () => {
    expect(checkWrongAmount(intentDebit('a', inquiry('succeeded', { amount: 151_000 }), { fee: 1_000 }))).toMatchObject({ kind: 'resolved' });
    expect(checkWrongAmount(intentDebit('a', inquiry('succeeded', { amount: 150_000 }), { fee: 1_000 }))).toMatchObject({
      kind: 'queued',
      evidence: { stuckAt: 'amount_differs', ours: syp(151_000), theirs: syp(150_000) },
    });
  });
});

describe('refund_not_received', () => {
  it('a channel’s payment it reversed is resolved, one that stands queued; ours done but not reversed at the channel is queued saying so', () => {
    expect(checkRefundNotReceived(channelPayment('reversed'))).toMatchObject({ kind: 'resolved', resolution: expect.stringContaining('R-W') });
    expect(checkRefundNotReceived(channelPayment('completed'))).toMatchObject({ kind: 'queued', evidence: { stuckAt: 'no_refund' } });
    const ours = intentDebit('a', inquiry('succeeded'), { payment: null, refund: { status: 'succeeded', requestedAt: at, refundedAt: at, reversalId: 'RV-1' } });
    expect(checkRefundNotReceived(ours)).toMatchObject({ kind: 'queued', evidence: { stuckAt: 'channel_not_reversed' } });
    const pending = intentDebit('a', inquiry('succeeded'), { payment: null, refund: { status: 'requested', requestedAt: at, refundedAt: null, reversalId: null } });
    expect(checkRefundNotReceived(pending)).toMatchObject({ kind: 'queued', evidence: { stuckAt: 'refund_pending' } });
  });
});

describe('no_sms', () => {
  const message = (state: string): MessageFacts => ({
    messageId: 'm1',
    template: 'payment_receipt',
    recipient: '+963944123456',
    state,
    lastError: state === 'failed' ? 'undeliverable' : null,
    submittedAt: at.toISOString(),
    doneAt: at.toISOString(),
    receipts: state === 'submitted' ? [] : [{ state, errorCode: null, doneAt: at.toISOString() }],
  });

  it('delivered is resolved; submitted or failed queued as not delivered; no payment queued', () => {
    expect(checkNoSms({ paymentId: 'pay_a', intentId: null, messages: [message('delivered')] })).toMatchObject({ kind: 'resolved' });
    expect(checkNoSms({ paymentId: 'pay_a', intentId: null, messages: [message('failed'), message('submitted')] })).toMatchObject({
      kind: 'queued',
      evidence: { stuckAt: 'not_delivered', note: expect.stringContaining('payment_receipt failed') },
    });
    expect(checkNoSms(null)).toMatchObject({ kind: 'queued', evidence: { stuckAt: 'no_payment' } });
  });
});
