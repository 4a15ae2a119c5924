// Refunds over real HTTP, Kafka and Postgres: a debit that bought nothing (orchestration refused its
// payment) is given back by reversing it at the channel simulator, with the same unknown-outcome
// handling as a debit: a reversal without an answer is resolved by asking, never guessed.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { EventOf } from '@gateway/contracts';
import { waitFor } from '@gateway/testkit';
import { payers, startAdapterHarness } from './support/adapter-harness.ts';
import type { AdapterHarness } from './support/adapter-harness.ts';

let h: AdapterHarness;

beforeAll(async () => {
  h = await startAdapterHarness();
});
afterAll(async () => {
  await h?.close();
});

/** A bank debit that succeeded, as orchestration would have heard of it. */
async function succeededDebit(): Promise<{ debit: EventOf<'channel.debit-requested'>; txnId: string }> {
  const debit = await h.requestDebit('bank-alpha');
  const ok = await h.result(debit, 'channel.debit-succeeded');
  return { debit, txnId: ok.payload.channelTxnId };
}

describe('refunds', () => {
  it('reverses the debit at the channel: its transactions show the debit reversed, the payer credited once, refund-succeeded published', async () => {
    const bank = h.simulators['bank-alpha'];
    const before = bank.state.balanceOf(payers['bank-alpha'].accountNo!);
    const { debit, txnId } = await succeededDebit();
    expect(bank.state.balanceOf(payers['bank-alpha'].accountNo!)).toBe(before - debit.payload.amount.amount);

    await h.requestRefund(debit, txnId);
    const refunded = await h.result(debit, 'channel.refund-succeeded');
    expect(refunded.payload).toMatchObject({ intentId: debit.payload.intentId, channelTxnId: txnId, amount: debit.payload.amount });
    const txns = await bank.transactions(debit.payload.reference);
    expect(txns).toEqual([expect.objectContaining({ txnId, status: 'reversed' })]);
    expect(bank.state.balanceOf(payers['bank-alpha'].accountNo!)).toBe(before);

    // The same command again (a redelivery under a new event id) is answered from the record: no second reversal.
    await h.requestRefund(debit, txnId);
    await waitFor(() => (h.resultsFor(debit.payload.intentId).filter((e) => e.type === 'channel.refund-succeeded').length === 2 ? true : undefined), {
      message: 'the repeated command to be answered',
    });
    expect(bank.state.balanceOf(payers['bank-alpha'].accountNo!)).toBe(before);
    expect(await h.refundRow(debit.payload.reference)).toMatchObject({ state: 'succeeded', attempts: 0 });
  });

  it('a reversal whose reply is dropped is unknown, then resolved by inquiry to refunded, with one credit', async () => {
    const bank = h.simulators['bank-alpha'];
    const before = bank.state.balanceOf(payers['bank-alpha'].accountNo!);
    const { debit, txnId } = await succeededDebit();
    await bank.control({ dropReplyRate: 1 });
    try {
      await h.requestRefund(debit, txnId);
      const unknown = await h.result(debit, 'channel.refund-unknown');
      expect(unknown.payload).toMatchObject({ stage: 'resolving', channelTxnId: txnId, lastError: expect.stringContaining('no answer within') });
      const refunded = await h.result(debit, 'channel.refund-succeeded');
      expect(refunded.payload.channelTxnId).toBe(txnId);
    } finally {
      await bank.control({ dropReplyRate: 0 });
    }
    expect(await bank.transactions(debit.payload.reference)).toEqual([expect.objectContaining({ txnId, status: 'reversed' })]);
    expect(bank.state.balanceOf(payers['bank-alpha'].accountNo!)).toBe(before);
    expect(h.resultsFor(debit.payload.intentId).some((e) => e.type === 'channel.refund-failed')).toBe(false);
    // Resolved by the channel's answer to an inquiry, not by a second reversal's answer.
    expect(await h.refundRow(debit.payload.reference)).toMatchObject({ state: 'succeeded', last_error: expect.stringContaining('no answer within') });
  });

  it('a reversal the channel refuses is refund-failed with the channel\'s code, and nothing is credited', async () => {
    const bank = h.simulators['bank-alpha'];
    const { debit, txnId } = await succeededDebit();
    const after = bank.state.balanceOf(payers['bank-alpha'].accountNo!);
    await bank.control({ reversalRefusalRate: 1 });
    try {
      await h.requestRefund(debit, txnId);
      const failed = await h.result(debit, 'channel.refund-failed');
      expect(failed.payload).toMatchObject({ channelTxnId: txnId, channelCode: 'reversal_refused' });
    } finally {
      await bank.control({ reversalRefusalRate: 0 });
    }
    expect(await bank.transactions(debit.payload.reference)).toEqual([expect.objectContaining({ txnId, status: 'succeeded' })]);
    expect(bank.state.balanceOf(payers['bank-alpha'].accountNo!)).toBe(after);
    expect(await h.refundRow(debit.payload.reference)).toMatchObject({ state: 'failed', failure_code: 'reversal_refused' });
  });

  it('a refund for a debit the adapter never made is refund-failed, and nothing is sent', async () => {
    const debit = await h.requestDebit('bank-alpha', { expiresAt: new Date(Date.now() - 1_000).toISOString() });
    await h.result(debit, 'channel.debit-failed');
    await h.requestRefund(debit, 'TXN-NEVER');
    const failed = await h.result(debit, 'channel.refund-failed');
    expect(failed.payload.message).toContain('No succeeded debit');
    expect(await h.refundRow(debit.payload.reference)).toBeUndefined();
  });
});
