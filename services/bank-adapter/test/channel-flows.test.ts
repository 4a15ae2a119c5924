import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AnyEvent } from '@gateway/contracts';
import { waitFor } from '@gateway/testkit';
import { startAdapterHarness, syp } from './support/adapter-harness.ts';
import type { AdapterHarness } from './support/adapter-harness.ts';

let h: AdapterHarness;

beforeAll(async () => {
  h = await startAdapterHarness();
});
afterAll(async () => {
  await h?.close();
});

describe('debits over real HTTP and Kafka', () => {
  it('bank: a direct debit succeeds, with the channel’s txn id, and the bank debited once', async () => {
    const debit = await h.requestDebit('bank-alpha');
    const ok = await h.result(debit, 'channel.debit-succeeded');
    expect(ok.payload).toMatchObject({ intentId: debit.payload.intentId, channelId: 'bank-alpha', reference: debit.payload.reference, amount: syp(150_000) });
    expect(ok.correlationId).toBe(debit.correlationId);
    expect(ok.causationId).toBe(debit.eventId);
    const txns = await h.simulators['bank-alpha'].transactions(debit.payload.reference);
    expect(txns).toHaveLength(1);
    expect(txns[0]!.txnId).toBe(ok.payload.channelTxnId);
    expect(await h.debitRow(debit.payload.reference)).toMatchObject({ state: 'succeeded', channel_txn_id: ok.payload.channelTxnId });
  });

  it('bank: a declined account and a short balance fail with their reasons, moneyMoved false', async () => {
    const declined = await h.requestDebit('bank-alpha', { payer: { msisdn: null, accountNo: '1000000000000002' } });
    const poor = await h.requestDebit('bank-alpha', { payer: { msisdn: null, accountNo: '1000000000000001' } });
    const d = await h.result(declined, 'channel.debit-failed');
    const p = await h.result(poor, 'channel.debit-failed');
    expect(d.payload).toMatchObject({ reason: 'declined', moneyMoved: false });
    expect(p.payload).toMatchObject({ reason: 'insufficient_funds', moneyMoved: false, channelCode: 'insufficient_funds' });
    expect(await h.simulators['bank-alpha'].transactions(declined.payload.reference)).toHaveLength(0);
    expect(await h.simulators['bank-alpha'].transactions(poor.payload.reference)).toHaveLength(0);
  });

  it('wallet: otp-required, a wrong OTP asks again with attempts left, the right one succeeds; the OTP is stored nowhere', async () => {
    const debit = await h.requestDebit('wallet-one');
    const otp = await h.result(debit, 'channel.otp-required');
    expect(otp.payload).toMatchObject({ reason: 'initial', otpLength: 6 });
    expect(otp.payload.channelRef).toEqual(expect.any(String));

    await h.submitOtp(debit, '999999', otp.payload.channelRef);
    const again = await h.results.expectEvent((e) => e.type === 'channel.otp-required' && e.key === debit.payload.intentId && e.payload.reason === 'invalid_otp');
    expect(again.payload).toMatchObject({ attemptsLeft: 2, channelRef: otp.payload.channelRef });

    await h.submitOtp(debit, '123456', otp.payload.channelRef);
    const ok = await h.result(debit, 'channel.debit-succeeded');
    expect(ok.payload.amount).toEqual(syp(150_000));
    expect(await h.simulators['wallet-one'].transactions(debit.payload.reference)).toHaveLength(1);

    const { rows } = await h.db.pool.query<{ n: number }>(
      `SELECT (SELECT count(*) FROM outbox WHERE payload::text LIKE '%123456%' OR payload::text LIKE '%999999%')
            + (SELECT count(*) FROM channel_debits d WHERE row_to_json(d)::text LIKE '%123456%') AS n`,
    );
    expect(Number(rows[0]!.n)).toBe(0);
  });

  it('a repeated debit command (same reference, new event) never reaches the channel again', async () => {
    const debit = await h.requestDebit('wallet-two');
    await h.result(debit, 'channel.otp-required');
    // Orchestration would not do this, but a replayed command must not create a second debit at a
    // channel that does not deduplicate.
    await h.requestDebit('wallet-two', { intentId: debit.payload.intentId, reference: debit.payload.reference });
    await h.results.waitForCount(2, (m) => m.event?.type === 'channel.otp-required' && m.key === debit.payload.intentId);
    expect(h.simulators['wallet-two'].state.findByReference(debit.payload.reference)).toBeDefined();
    const { rows } = await h.db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM channel_debits WHERE reference = $1', [debit.payload.reference]);
    expect(rows[0]!.n).toBe(1);
  });

  it('a status request for a debit never sent answers failed, moneyMoved false', async () => {
    const debit = { payload: { intentId: `pi_never_${Date.now()}`, channelId: 'bank-alpha', reference: `pi_never_${Date.now()}` } };
    await h.requestStatus(debit as never);
    const failed = await h.result(debit, 'channel.debit-failed');
    expect(failed.payload).toMatchObject({ reason: 'channel_error', moneyMoved: false });
  });
});

describe('unknown outcomes', () => {
  it('bank: a reply dropped after commit is unknown, then resolved to success by status inquiry, with exactly one debit', async () => {
    const bank = h.simulators['bank-alpha'];
    await bank.control({ dropReplyRate: 1 });
    try {
      const debit = await h.requestDebit('bank-alpha');
      const unknown = await h.result(debit, 'channel.debit-unknown');
      expect(unknown.payload).toMatchObject({ stage: 'resolving', attempts: 0 });
      const ok = await h.result(debit, 'channel.debit-succeeded');
      const txns = await bank.transactions(debit.payload.reference);
      expect(txns).toHaveLength(1);
      expect(txns[0]!.txnId).toBe(ok.payload.channelTxnId);
      expect(h.resultsFor(debit.payload.intentId).some((e) => e.type === 'channel.debit-failed')).toBe(false);
    } finally {
      await bank.control({ dropReplyRate: 0 });
    }
  });

  it('wallet-two (no dedupe): a dropped confirm reply is resolved by inquiry, never by a second confirm or debit', async () => {
    const wallet = h.simulators['wallet-two'];
    const { debit } = await h.debitWithLostConfirmReply();
    try {
      const ok = await h.result(debit, 'channel.debit-succeeded');
      expect(await wallet.transactions(debit.payload.reference)).toEqual([expect.objectContaining({ txnId: ok.payload.channelTxnId })]);
    } finally {
      await wallet.control({ dropReplyRate: 0 });
    }
  });

  it('a restart in the middle of a status-inquiry schedule resumes it from Postgres', async () => {
    const bank = h.simulators['bank-alpha'];
    await bank.control({ dropReplyRate: 1 });
    const debit = await h.requestDebit('bank-alpha');
    await h.result(debit, 'channel.debit-unknown');
    // Inquiries now fail (500 before any effect): the schedule advances without an answer.
    await bank.control({ dropReplyRate: 0, failureRate: 1 });
    await waitFor(async () => Number((await h.debitRow(debit.payload.reference))?.['attempts'] ?? 0) >= 2, { timeoutMs: 5_000, message: 'two inquiries' });
    await h.adapter.stop();
    const pending = await h.debitRow(debit.payload.reference);
    expect(pending).toMatchObject({ state: 'unknown' });
    expect(pending!['next_inquiry_at']).toBeInstanceOf(Date);

    await bank.control({ failureRate: 0 });
    await h.restart();
    const ok = await h.result(debit, 'channel.debit-succeeded');
    expect(await bank.transactions(debit.payload.reference)).toEqual([expect.objectContaining({ txnId: ok.payload.channelTxnId })]);
    const row = await h.debitRow(debit.payload.reference);
    expect(row).toMatchObject({ state: 'succeeded' });
    expect(Number(row!['attempts'])).toBeGreaterThanOrEqual(2);
  });
});

describe('circuit breakers', () => {
  it('an outage opens that channel’s breaker within its volume, the others keep succeeding, and it half-opens and closes after', async () => {
    const bank = h.simulators['bank-alpha'];
    await h.restart(); // fresh breakers, whatever earlier tests did
    // Only this test's health events count (earlier tests opened and closed breakers of their own).
    const earlier = new Set(h.results.messages.map((m) => m.event?.eventId));
    const health = (state: string, previousState?: string) => (e: AnyEvent) =>
      !earlier.has(e.eventId) && e.type === 'channel.health-changed' && e.payload.channelId === 'bank-alpha' && e.payload.state === state && (previousState === undefined || e.payload.previousState === previousState);
    await bank.control({ outage: true });
    try {
      const first = [];
      for (let i = 0; i < 4; i++) first.push(await h.requestDebit('bank-alpha'));
      for (const debit of first) {
        const failed = await h.result(debit, 'channel.debit-failed');
        expect(failed.payload).toMatchObject({ reason: 'channel_unavailable', moneyMoved: false });
      }
      await h.results.expectEvent(health('open', 'closed'));
      expect(h.adapter.gateway.state('bank-alpha')).toBe('open');

      // Fails fast while open; the other channels are untouched.
      const fast = await h.requestDebit('bank-alpha');
      const wallet = await h.requestDebit('wallet-one');
      const failed = await h.result(fast, 'channel.debit-failed');
      expect(failed.payload).toMatchObject({ reason: 'channel_unavailable', moneyMoved: false });
      expect(failed.payload.message).toMatch(/open/);
      await h.result(wallet, 'channel.otp-required');
    } finally {
      await bank.control({ outage: false });
    }
    await h.results.expectEvent(health('half_open', 'open'), 5_000);
    expect(h.adapter.gateway.state('bank-alpha')).toBe('half_open');
    const trial = await h.requestDebit('bank-alpha');
    await h.result(trial, 'channel.debit-succeeded');
    await h.results.expectEvent(health('closed', 'half_open'));
    expect(h.adapter.gateway.state('bank-alpha')).toBe('closed');
  });
});
