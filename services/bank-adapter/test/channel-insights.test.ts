// The operators' reads of channel behaviour: GET /v1/channels/stats (debits attempted, succeeded,
// failed, success rate, p95 latency over a window; unknown outcomes being resolved now),
// GET /v1/channels/{channelId}/history (health changes, forced and the breaker's own, newest first,
// persisted with each channel.health-changed) and GET /v1/debits?intentIds= (the adapter's record of
// an intent's debit: the evidence of the reconciliation queue). Real Postgres, Kafka, Redis and the
// channel simulators over HTTP.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { businessDateOf } from '@gateway/contracts';
import { waitFor } from '@gateway/testkit';
import type { ChannelHistory, ChannelWindowStats as ChannelStats, IntentDebit } from '@gateway/contracts';
import { fetchSettlementFile } from '../src/flows/fetch-settlement-file.flow.ts';
import { startAdapterHarness, testTimings } from './support/adapter-harness.ts';
import type { AdapterHarness } from './support/adapter-harness.ts';
import { startOperatorApp } from './support/operator-app.ts';
import type { OperatorApp } from './support/operator-app.ts';

let h: AdapterHarness;
let api: OperatorApp;

beforeAll(async () => {
  // The bank's breaker stays open once opened (no half-open trial within the test).
  h = await startAdapterHarness({ registry: (r) => ({ channels: r.channels.map((c) => (c.channelId === 'bank-alpha' ? { ...c, breaker: { ...c.breaker, resetTimeoutMs: 120_000 } } : c)) }) });
  api = await startOperatorApp(h, 'bank-adapter-insights');
});
afterAll(async () => {
  await api?.close();
  await h?.close();
});

type Stats = { windowMinutes: number; channels: ChannelStats[] };
const statsOf = async (channelId: string) => (await api.send<Stats>('GET', '/v1/channels/stats')).body.channels.find((c) => c.channelId === channelId)!;

describe('channel insights', () => {
  it('counts a channel’s debits over the window with its success rate and p95 latency', async () => {
    const ok = await h.requestDebit('bank-alpha');
    await h.result(ok, 'channel.debit-succeeded');
    const res = await api.send<Stats>('GET', '/v1/channels/stats?windowMinutes=15');
    expect(res.status).toBe(200);
    expect(res.body.windowMinutes).toBe(15);
    expect(res.body.channels.map((c) => c.channelId)).toEqual(['bank-alpha', 'wallet-one', 'wallet-two']);
    const bank = res.body.channels[0]!;
    expect(bank).toMatchObject({ attempted: 1, succeeded: 1, failed: 0, successRate: 1, resolving: 0 });
    // The latency of the one call the debit made: it was answered, so it is known.
    expect(bank.p95LatencyMs).toEqual(expect.any(Number));
    expect(bank.p95LatencyMs!).toBeGreaterThanOrEqual(0);

    expect((await api.send('GET', '/v1/channels/stats', 'portal')).status).toBe(403);
    expect((await api.send('GET', '/v1/channels/stats?windowMinutes=0')).status).toBe(400);
  });

  it('keeps a forced change in the history with the person, newest first, and counts the debit it failed', async () => {
    expect((await api.send('POST', '/v1/channels/wallet-one/force-off', 'ops', { reason: 'maintenance window' }, { signed: { 'x-operator-person': 'alice' } })).status).toBe(200);
    const refused = await h.requestDebit('wallet-one');
    await h.result(refused, 'channel.debit-failed');
    expect((await api.send('POST', '/v1/channels/wallet-one/force-on', 'ops', { reason: 'back' }, { signed: { 'x-operator-person': 'alice' } })).status).toBe(200);

    const history = await api.send<ChannelHistory>('GET', '/v1/channels/wallet-one/history');
    expect(history.status).toBe(200);
    expect(history.body.transitions).toEqual([
      expect.objectContaining({ from: 'forced_off', to: 'closed', actor: `${api.operator}/alice`, reason: 'forced on by an operator' }),
      expect.objectContaining({ from: 'closed', to: 'forced_off', actor: `${api.operator}/alice`, reason: expect.stringContaining('maintenance window') }),
    ]);
    expect(await statsOf('wallet-one')).toMatchObject({ attempted: 1, succeeded: 0, failed: 1, successRate: 0 });
    expect((await api.send('GET', '/v1/channels/no-such/history')).status).toBe(404);
  });

  it('records the breaker’s own transitions, without an actor', async () => {
    const sim = h.simulators['bank-alpha'];
    await sim.control({ outage: true });
    try {
      const deps = { pool: h.db.pool, gateway: h.adapter.gateway, resultsTopic: h.topics.results };
      for (let i = 0; i < testTimings.breaker.volumeThreshold && h.adapter.gateway.state('bank-alpha') !== 'open'; i++) {
        await fetchSettlementFile(deps, { channelId: 'bank-alpha', businessDate: businessDateOf(new Date()), actor: 'test' });
      }
    } finally {
      await sim.control({ outage: false });
    }
    const opened = await waitFor(
      async () => {
        const body = (await api.send<ChannelHistory>('GET', '/v1/channels/bank-alpha/history?limit=5')).body;
        return body.transitions[0]?.to === 'open' ? body.transitions[0] : undefined;
      },
      { timeoutMs: 5_000, message: 'the breaker opening in the history' },
    );
    expect(opened).toMatchObject({ from: 'closed', to: 'open', actor: null, reason: 'circuit breaker open' });
  });

  it('shows an unknown outcome being resolved, and the debit’s evidence for the reconciliation queue', async () => {
    const wallet = h.simulators['wallet-two'];
    // The confirm's reply is lost, and every inquiry then fails before any effect: the outcome stays unknown.
    const { debit, otp } = await h.debitWithLostConfirmReply();
    try {
      await wallet.control({ dropReplyRate: 0, failureRate: 1 });
      await waitFor(async () => Number((await h.debitRow(debit.payload.reference))?.['attempts'] ?? 0) >= 1, { timeoutMs: 5_000, message: 'an inquiry' });

      expect((await statsOf('wallet-two')).resolving).toBe(1);
      const history = await api.send<ChannelHistory>('GET', '/v1/channels/wallet-two/history');
      expect(history.body.resolving).toEqual([expect.objectContaining({ reference: debit.payload.reference, intentId: debit.payload.intentId, amount: debit.payload.amount })]);

      const evidence = await api.send<{ debits: IntentDebit[] }>('GET', `/v1/debits?intentIds=${debit.payload.intentId},pi_none`);
      expect(evidence.status).toBe(200);
      expect(evidence.body.debits).toHaveLength(1);
      const shown = evidence.body.debits[0]!;
      expect(shown).toMatchObject({ intentId: debit.payload.intentId, channelId: 'wallet-two', state: 'unknown', channelRef: otp.payload.channelRef });
      expect(shown.inquiryAttempts).toBeGreaterThanOrEqual(1);
      expect(shown.unknownSince).not.toBeNull();
      expect(shown.lastError).not.toBeNull();
      expect((await api.send('GET', '/v1/debits?intentIds=')).status).toBe(400);
      expect((await api.send('GET', `/v1/debits?intentIds=${debit.payload.intentId}`, 'portal')).status).toBe(403);
    } finally {
      await wallet.control({ dropReplyRate: 0, failureRate: 0 });
    }
    await h.result(debit, 'channel.debit-succeeded');
    expect((await statsOf('wallet-two')).resolving).toBe(0);
  });
});
