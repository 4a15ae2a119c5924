// Channel health reaches orchestration even when a change is missed (issue 10 item 6): every channel
// is reported at start and every interval (channel.health-reported), so an adapter restarted while a
// breaker was open announces the channel closed again; and a change that cannot be written to the
// outbox (Postgres refuses) is kept and published later, never dropped. Real Postgres, Kafka, HTTP.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AnyEvent } from '@gateway/contracts';
import { businessDateOf } from '@gateway/contracts';
import { fetchSettlementFile } from '../src/flows/fetch-settlement-file.flow.ts';
import { startAdapterHarness, testTimings } from './support/adapter-harness.ts';
import type { AdapterHarness, ChannelId } from './support/adapter-harness.ts';

let h: AdapterHarness;

beforeAll(async () => {
  // Reports every 300 ms, so a kept change is retried within the test's patience; an open breaker
  // stays open (no half-open trial) until the adapter restarts.
  h = await startAdapterHarness({
    healthIntervalMs: 300,
    registry: (r) => ({ channels: r.channels.map((c) => ({ ...c, breaker: { ...c.breaker, resetTimeoutMs: 120_000 } })) }),
  });
});
afterAll(async () => {
  await h?.close();
});

const after = (since: Date) => (e: AnyEvent) => Date.parse(e.occurredAt) >= since.getTime();

/** Opens the channel's breaker with calls that write nothing (settlement fetches in an outage). */
async function openBreaker(channelId: ChannelId): Promise<void> {
  const sim = h.simulators[channelId];
  await sim.control({ outage: true });
  try {
    const deps = { pool: h.db.pool, gateway: h.adapter.gateway, resultsTopic: h.topics.results };
    for (let i = 0; i < testTimings.breaker.volumeThreshold && h.adapter.gateway.state(channelId) !== 'open'; i++) {
      expect((await fetchSettlementFile(deps, { channelId, businessDate: businessDateOf(new Date()), actor: 'test' })).kind).toBe('unavailable');
    }
    expect(h.adapter.gateway.state(channelId)).toBe('open');
  } finally {
    await sim.control({ outage: false });
  }
}

describe('channel health', () => {
  it('reports every channel at start; restarted while a breaker was open, the adapter reports that channel closed', async () => {
    const first = await h.results.expectEvent((e) => e.type === 'channel.health-reported' && e.payload.channelId === 'wallet-two');
    expect(first.payload).toMatchObject({ state: 'closed' });
    for (const channelId of ['bank-alpha', 'wallet-one'] as const) {
      await h.results.expectEvent((e) => e.type === 'channel.health-reported' && e.payload.channelId === channelId);
    }

    const opened = new Date();
    await openBreaker('wallet-two');
    await h.results.expectEvent((e) => after(opened)(e) && e.type === 'channel.health-reported' && e.payload.channelId === 'wallet-two' && e.payload.state === 'open');

    const restarted = new Date();
    await h.restart();
    // The new process's first report (the old one's last reports, still "open", may come after `restarted`).
    const report = await h.results.expectEvent(
      (e) => e.type === 'channel.health-reported' && e.payload.channelId === 'wallet-two' && Date.parse(e.payload.since) >= restarted.getTime(),
    );
    expect(report.payload).toMatchObject({ state: 'closed' });
  });

  it('keeps a change Postgres refused and publishes it once the outbox takes writes again', async () => {
    await h.restart(); // fresh breakers
    const began = new Date();
    await h.db.pool.query('ALTER TABLE outbox RENAME TO outbox_away');
    try {
      await openBreaker('bank-alpha');
      await h.adapter.health.flush();
      // Refused while the outbox is away: nothing of it on Kafka yet.
      expect(h.results.messages.some((m) => m.event !== undefined && after(began)(m.event) && m.event.type === 'channel.health-changed' && m.event.payload.channelId === 'bank-alpha')).toBe(false);
    } finally {
      await h.db.pool.query('ALTER TABLE outbox_away RENAME TO outbox');
    }
    const change = await h.results.expectEvent(
      (e) => after(began)(e) && e.type === 'channel.health-changed' && e.payload.channelId === 'bank-alpha' && e.payload.state === 'open' && e.payload.previousState === 'closed',
    );
    expect(change.payload).toMatchObject({ reason: expect.stringMatching(/open/) });
  });
});
