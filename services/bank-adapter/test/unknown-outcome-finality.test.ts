// A timeout is UNKNOWN, never FAILED, and "not found" proves nothing until the channel's finality
// window ends or its closed statement for the day shows no such debit (issue 10 item 3); an inquiry
// refused here by the channel's breaker or switch is no attempt (item 5). Over real HTTP (simulators
// with queueDebitsMs: a bank that takes a debit, says nothing, and applies it later), Postgres, Kafka.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { businessDateOf } from '@gateway/contracts';
import { waitFor } from '@gateway/testkit';
import { fetchSettlementFile } from '../src/flows/fetch-settlement-file.flow.ts';
import { startAdapterHarness, testTimings } from './support/adapter-harness.ts';
import type { AdapterHarness } from './support/adapter-harness.ts';

const dayMs = 24 * 3_600_000;
// Three days: long enough that moving a debit's send one day back leaves it inside the window.
const finalityWindowMs = 3 * dayMs;
const budget = testTimings.statusInquiry.backoffMs.length;

let h: AdapterHarness;

beforeAll(async () => {
  h = await startAdapterHarness({
    // A breaker stays open 8 s before its half-open trial: long enough for many refused inquiries.
    registry: (r) => ({ channels: r.channels.map((c) => ({ ...c, breaker: { ...c.breaker, resetTimeoutMs: 8_000 }, statusInquiry: { ...c.statusInquiry, finalityWindowMs } })) }),
  });
});
afterAll(async () => {
  await h?.close();
});

type Row = { state: string; attempts: number; last_error: string | null; next_inquiry_at: Date | null; sent_at: Date };
const row = async (reference: string) => (await h.debitRow(reference)) as unknown as Row;
const failures = (intentId: string) => h.resultsFor(intentId).filter((e) => e.type === 'channel.debit-failed');

/** A bank-alpha debit the channel takes without answering and applies `applyAfterMs` later. */
async function queuedDebit(applyAfterMs: number) {
  const bank = h.simulators['bank-alpha'];
  await bank.control({ queueDebitsMs: applyAfterMs });
  try {
    const debit = await h.requestDebit('bank-alpha');
    const unknown = await h.result(debit, 'channel.debit-unknown');
    expect(unknown.payload).toMatchObject({ stage: 'resolving' });
    return debit;
  } finally {
    await bank.control({ queueDebitsMs: 0 });
  }
}

describe('not found after a timeout', () => {
  it('stays unknown past the old 10 s rule and past the backoff list, then the queued debit appears: one success, never a failure', async () => {
    const bank = h.simulators['bank-alpha'];
    const debit = await queuedDebit(6_000);
    const ref = debit.payload.reference;
    // More not-found answers than the backoff list has entries, each long past the send: still unknown.
    const waiting = await waitFor(async () => {
      const r = await row(ref);
      return r.attempts > budget && r.state === 'unknown' ? r : undefined;
    }, { timeoutMs: 15_000, message: `more than ${budget} not-found inquiries` });
    expect(waiting.last_error).toMatch(/not found/);
    expect(failures(debit.payload.intentId)).toEqual([]);
    expect(await bank.transactions(ref)).toEqual([]);

    const ok = await h.result(debit, 'channel.debit-succeeded', 20_000);
    expect(await bank.transactions(ref)).toEqual([expect.objectContaining({ txnId: ok.payload.channelTxnId })]);
    expect(await row(ref)).toMatchObject({ state: 'succeeded' });
    expect(failures(debit.payload.intentId)).toEqual([]);
    expect(h.resultsFor(debit.payload.intentId).filter((e) => e.type === 'channel.debit-succeeded')).toHaveLength(1);
  });

  it("is final once the channel's closed statement for the day of the send has no such debit", async () => {
    const debit = await queuedDebit(600_000);
    const ref = debit.payload.reference;
    // As if sent yesterday: the statement of that day can be fetched complete.
    await h.db.pool.query(`UPDATE channel_debits SET sent_at = sent_at - interval '1 day' WHERE reference = $1`, [ref]);
    const before = (await row(ref)).attempts;
    await waitFor(async () => (await row(ref)).attempts >= before + 2, { timeoutMs: 10_000, message: 'two more not-found inquiries' });
    expect(await row(ref)).toMatchObject({ state: 'unknown' });
    expect(failures(debit.payload.intentId)).toEqual([]);

    const businessDate = businessDateOf((await row(ref)).sent_at);
    const fetched = await fetchSettlementFile({ pool: h.db.pool, gateway: h.adapter.gateway, resultsTopic: h.topics.results }, { channelId: 'bank-alpha', businessDate, actor: 'test' });
    expect(fetched.kind).toMatch(/stored|unchanged/);
    const failed = await h.result(debit, 'channel.debit-failed');
    expect(failed.payload).toMatchObject({ reason: 'channel_error', channelCode: 'not_found', moneyMoved: false });
    expect(failed.payload.message).toMatch(/settlement statement/);
  });

  it("is final after the channel's finality window", async () => {
    const debit = await queuedDebit(600_000);
    const ref = debit.payload.reference;
    await h.db.pool.query(`UPDATE channel_debits SET sent_at = sent_at - $2 * interval '1 millisecond' WHERE reference = $1`, [ref, finalityWindowMs]);
    const failed = await h.result(debit, 'channel.debit-failed');
    expect(failed.payload).toMatchObject({ reason: 'channel_error', channelCode: 'not_found', moneyMoved: false });
    expect(failed.payload.message).toMatch(/finality window/);
  });
});

/** Waits until the debit's inquiry has been refused (last error matching `why`) more times than the schedule allows; returns the attempts seen then. */
async function refusedBeyondBudget(reference: string, why: RegExp): Promise<number> {
  const refused = await waitFor(async () => {
    const r = await row(reference);
    return r.last_error !== null && why.test(r.last_error) ? r : undefined;
  }, { message: `an inquiry refused (${why})` });
  // More refusals than the schedule has attempts: each one reschedules the inquiry.
  const seen = new Set<number>();
  await waitFor(async () => {
    const r = await row(reference);
    if (r.next_inquiry_at !== null) seen.add(r.next_inquiry_at.getTime());
    return seen.size > budget + 1;
  }, { timeoutMs: 20_000, intervalMs: 50, message: `more than ${budget} refused inquiries` });
  return refused.attempts;
}

describe('an inquiry refused by the channel’s switch or breaker', () => {
  it('uses no attempt while the breaker is open: more refusals than the schedule allows leave the debit unknown, resolved after the breaker closes', async () => {
    const bank = h.simulators['bank-alpha'];
    const gateway = h.adapter.gateway;
    const debit = await queuedDebit(6_000);
    const ref = debit.payload.reference;
    // Open the breaker with calls that record nothing (settlement fetches in an outage). The rolling
    // window still holds the earlier tests' successful calls, so it takes as many failures as it takes
    // to pass the error threshold; each one is an immediate 503.
    await bank.control({ outage: true });
    try {
      const deps = { pool: h.db.pool, gateway, resultsTopic: h.topics.results };
      for (let i = 0; i < 500 && gateway.state('bank-alpha') !== 'open'; i++) await fetchSettlementFile(deps, { channelId: 'bank-alpha', businessDate: businessDateOf(new Date()), actor: 'test' });
      expect(gateway.state('bank-alpha')).toBe('open');
    } finally {
      await bank.control({ outage: false });
    }
    const attempts = await refusedBeyondBudget(ref, /open/);
    expect(await row(ref)).toMatchObject({ state: 'unknown', attempts });
    expect(h.resultsFor(debit.payload.intentId).some((e) => e.type === 'channel.debit-unknown' && e.payload.stage === 'exhausted')).toBe(false);

    const ok = await h.result(debit, 'channel.debit-succeeded', 20_000);
    expect(await bank.transactions(ref)).toEqual([expect.objectContaining({ txnId: ok.payload.channelTxnId })]);
    expect(failures(debit.payload.intentId)).toEqual([]);
  });

  it('uses no attempt: a channel forced off for longer than the whole schedule leaves the debit unknown, resolved once it is back', async () => {
    const bank = h.simulators['bank-alpha'];
    const gateway = h.adapter.gateway;
    const debit = await queuedDebit(3_000);
    const ref = debit.payload.reference;
    gateway.setForcedOff('bank-alpha', { by: 'test', at: new Date().toISOString(), reason: 'maintenance' });
    try {
      const attempts = await refusedBeyondBudget(ref, /forced off/);
      expect(await row(ref)).toMatchObject({ state: 'unknown', attempts });
      expect(h.resultsFor(debit.payload.intentId).some((e) => e.type === 'channel.debit-unknown' && e.payload.stage === 'exhausted')).toBe(false);
    } finally {
      gateway.setForcedOff('bank-alpha', null);
    }
    const ok = await h.result(debit, 'channel.debit-succeeded', 20_000);
    expect(await bank.transactions(ref)).toEqual([expect.objectContaining({ txnId: ok.payload.channelTxnId })]);
    expect(failures(debit.payload.intentId)).toEqual([]);
  });
});
