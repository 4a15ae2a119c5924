// The settlement fetch over real HTTP (simulators), Postgres and Kafka: a stored statement is announced
// once with its row count and totals, an unchanged re-fetch announces nothing, a corrected one is
// announced again, and the daily run covers every channel while one is in an outage.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { EventOf } from '@gateway/contracts';
import { testLogger, waitFor } from '@gateway/testkit';
import { fetchSettlementFile } from '../src/flows/fetch-settlement-file.flow.ts';
import path from 'node:path';
import { repoRoot } from '@gateway/kit';
import { addDays, localTimeToInstant, settlementDateOf } from '@gateway/contracts';
import { readChannelsFile } from '../../../simulators/channel-simulator/src/config.ts';
import { summarizeStatement } from '../src/domain/settlement-statement.ts';
import { createSettlementFetchScheduler, previousBusinessDate, runSettlementFetch } from '../src/jobs/settlement-fetch.scheduler.ts';
import type { SettlementRunOptions, SettlementRunReport } from '../src/jobs/settlement-fetch.scheduler.ts';
import { startAdapterHarness, syp } from './support/adapter-harness.ts';
import type { AdapterHarness, ChannelId } from './support/adapter-harness.ts';

let h: AdapterHarness;
// The settlement day the simulated bank files today's debits under: it follows the channel's cut-off,
// so between the cut-off and midnight it is already tomorrow's date.
const bankAlpha = readChannelsFile(path.join(repoRoot, 'simulators/channel-simulator/config/channels.json')).find((c) => c.channelId === 'bank-alpha')!;
const today = settlementDateOf(new Date(), bankAlpha.settlementCutOff, bankAlpha.settlementTimeZone);

beforeAll(async () => {
  h = await startAdapterHarness();
});
afterAll(async () => {
  await h?.close();
});

const deps = () => ({ pool: h.db.pool, gateway: h.adapter.gateway, logger: testLogger('settlement'), resultsTopic: h.topics.results });

function fileEvents(channelId: string, businessDate: string): EventOf<'channel.settlement-file-fetched'>[] {
  return h.results.messages.flatMap((m) =>
    m.event?.type === 'channel.settlement-file-fetched' && m.event.payload.channelId === channelId && m.event.payload.businessDate === businessDate ? [m.event] : [],
  );
}

async function succeededDebit(channelId: ChannelId): Promise<string> {
  const debit = await h.requestDebit(channelId);
  await h.result(debit, 'channel.debit-succeeded');
  return debit.payload.reference;
}

async function reverseInSimulator(reference: string): Promise<void> {
  const sim = h.simulators['bank-alpha'];
  const debitId = sim.state.findByReference(reference)!.debitId;
  const apiKey = h.registry.channels.find((c) => c.channelId === 'bank-alpha')!.apiKey;
  const res = await fetch(`${sim.url}/debits/${debitId}/reversal`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': apiKey }, body: JSON.stringify({ reason: 'test' }) });
  expect(res.status).toBe(200);
}

describe('settlement statement totals', () => {
  it('counts rows with a CSV parser (quoted commas and line breaks) and totals per currency and status', () => {
    const csv = 'txnId,reference,amount,currency,status\nT1,"a,b",100,SYP,succeeded\nT2,"line\nbreak",250,SYP,succeeded\nT3,x,100,SYP,reversed\n';
    expect(summarizeStatement(csv)).toEqual({
      rowCount: 3,
      totals: [
        { currency: 'SYP', status: 'reversed', count: 1, amount: syp(100) },
        { currency: 'SYP', status: 'succeeded', count: 2, amount: syp(350) },
      ],
    });
    expect(summarizeStatement('')).toEqual({ rowCount: 0, totals: [] });
    expect(() => summarizeStatement('amount,currency,status\n1.5,SYP,succeeded\n')).toThrow(/minor units/);
  });
});

describe('fetching a settlement file', () => {
  it('publishes one event with the row count and totals; an unchanged re-fetch publishes nothing; a corrected file publishes again', async () => {
    const [a, b] = [await succeededDebit('bank-alpha'), await succeededDebit('bank-alpha')];
    await reverseInSimulator(b);

    const first = await fetchSettlementFile(deps(), { channelId: 'bank-alpha', businessDate: today, actor: 'test' });
    expect(first.kind).toBe('stored');
    const event = await h.results.expectEvent((e) => e.type === 'channel.settlement-file-fetched' && e.payload.channelId === 'bank-alpha');
    if (event.type !== 'channel.settlement-file-fetched' || first.kind !== 'stored') throw new Error('unexpected');
    expect(event.key).toBe('bank-alpha');
    expect(event.payload).toEqual({
      channelId: 'bank-alpha',
      businessDate: today,
      fileId: first.file.fileId,
      fetchedAt: first.file.fetchedAt,
      sha256: first.file.sha256,
      rowCount: 3,
      totals: [
        { currency: 'SYP', status: 'reversed', count: 1, amount: syp(150_000) },
        { currency: 'SYP', status: 'succeeded', count: 2, amount: syp(300_000) },
      ],
      location: `/v1/settlement-files/bank-alpha/${today}`,
    });
    expect(first.file.content).toContain(a);

    const again = await fetchSettlementFile(deps(), { channelId: 'bank-alpha', businessDate: today, actor: 'test' });
    expect(again).toMatchObject({ kind: 'unchanged', file: { fileId: first.file.fileId, sha256: first.file.sha256 } });

    // The channel's day grows (a corrected statement): a new version, announced again.
    await succeededDebit('bank-alpha');
    const corrected = await fetchSettlementFile(deps(), { channelId: 'bank-alpha', businessDate: today, actor: 'test' });
    expect(corrected.kind).toBe('stored');
    if (corrected.kind !== 'stored') throw new Error('unexpected');
    expect(corrected.file.fileId).not.toBe(first.file.fileId);
    await h.results.expectEvent((e) => e.type === 'channel.settlement-file-fetched' && e.payload.fileId === corrected.file.fileId);
    // Same key, so the relay publishes in order: had the unchanged re-fetch published, it would be here.
    const events = fileEvents('bank-alpha', today);
    expect(events.map((e) => [e.payload.fileId, e.payload.rowCount])).toEqual([
      [first.file.fileId, 3],
      [corrected.file.fileId, 4],
    ]);
    const { rows } = await h.db.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM settlement_files WHERE channel_id = 'bank-alpha'");
    expect(rows[0]!.n).toBe(1);
  });
});

describe('the daily settlement fetch', () => {
  it('fetches the previous business date of every channel and survives one channel in an outage', async () => {
    // The daily run fires after local midnight: seen from the night after it, "the previous day" is today.
    const tomorrowAfterMidnight = localTimeToInstant(addDays(today, 1), '00:30');
    const businessDate = previousBusinessDate(tomorrowAfterMidnight);
    expect(businessDate).toBe(today);
    await succeededDebit('bank-alpha');
    await h.simulators['wallet-two'].control({ outage: true });
    try {
      const report = await runSettlementFetch(deps(), { businessDate, catchUpDays: 0, refetchLatest: true });
      expect(report.failed).toEqual([{ channelId: 'wallet-two', businessDate, message: expect.stringContaining('503') }]);
      expect([...report.stored].sort()).toEqual([`bank-alpha/${today}`, `wallet-one/${today}`]);
      const bank = await h.results.expectEvent((e) => e.type === 'channel.settlement-file-fetched' && e.payload.channelId === 'bank-alpha' && e.payload.rowCount === 5);
      expect(bank.correlationId).toEqual(expect.any(String));
      const wallet = await h.results.expectEvent((e) => e.type === 'channel.settlement-file-fetched' && e.payload.channelId === 'wallet-one');
      expect(wallet.type === 'channel.settlement-file-fetched' && wallet.payload).toMatchObject({ rowCount: 0, totals: [] });
    } finally {
      await h.simulators['wallet-two'].control({ outage: false });
    }
    // The retry pass fetches only what is still missing: wallet-two, not the others again.
    const retry = await runSettlementFetch(deps(), { businessDate, catchUpDays: 0, refetchLatest: false });
    expect(retry).toEqual({ stored: [`wallet-two/${today}`], unchanged: [], failed: [] });
    await h.results.expectEvent((e) => e.type === 'channel.settlement-file-fetched' && e.payload.channelId === 'wallet-two' && e.payload.businessDate === today);
  });
});

describe('the settlement fetch scheduler', () => {
  it('catches up at start, then fires at the local time, sooner when a channel failed', async () => {
    const now = new Date('2026-05-20T10:00:00.000Z'); // 13:00 in Damascus (UTC+3)
    const calls: SettlementRunOptions[] = [];
    let failed = true;
    const run = jest.fn(async (options: SettlementRunOptions): Promise<SettlementRunReport> => {
      calls.push(options);
      return Promise.resolve({ stored: [], unchanged: [], failed: failed ? [{ channelId: 'wallet-two', businessDate: options.businessDate, message: '503' }] : [] });
    });
    const scheduler = createSettlementFetchScheduler({ run, logger: testLogger('scheduler'), at: '00:30', catchUpDays: 3, retryIntervalMs: 60_000, clock: () => now });
    scheduler.start();
    await waitFor(() => scheduler.nextRunAt());
    await scheduler.stop();
    expect(calls).toEqual([{ businessDate: '2026-05-19', catchUpDays: 3, refetchLatest: false }]);
    // A failure retries a minute later (before the next 00:30).
    expect(scheduler.nextRunAt()?.toISOString()).toBe('2026-05-20T10:01:00.000Z');

    failed = false;
    const calm = createSettlementFetchScheduler({ run, logger: testLogger('scheduler'), at: '00:30', catchUpDays: 3, retryIntervalMs: 60_000, clock: () => now });
    calm.start();
    await waitFor(() => calm.nextRunAt());
    await calm.stop();
    // 00:30 on the 21st in Damascus.
    expect(calm.nextRunAt()?.toISOString()).toBe('2026-05-20T21:30:00.000Z');
  });
});
