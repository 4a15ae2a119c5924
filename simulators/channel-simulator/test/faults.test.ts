// Runtime faults over real HTTP, because they are about sockets and clocks: a dropped reply after
// commit, an outage, injected failures, latency, and the /control endpoint that turns them on.
import { afterEach, describe, expect, it } from '@jest/globals';
import { waitFor } from '@gateway/testkit';
import { parse } from 'csv-parse/sync';
import { DEMO_OTP } from '../src/domain/debit.ts';
import { settlementDateOf } from '../src/domain/settlement.ts';
import { bank, debitBody, keyHeader, wallet } from './simulator-fixture.ts';
import type { SimulatorFixture } from './simulator-fixture.ts';

const account = '0123456789012';
let sim: SimulatorFixture;

afterEach(async () => {
  await sim.close();
});

function call(base: string, method: string, path: string, body?: unknown, timeoutMs = 5_000): Promise<Response> {
  return fetch(`${base}${path}`, {
    method,
    headers: { ...keyHeader, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(timeoutMs),
  });
}

async function control(base: string, settings: unknown): Promise<Response> {
  return fetch(`${base}/control`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(settings) });
}

async function faultCounters(base: string): Promise<Record<string, number>> {
  return (await (await fetch(`${base}/stats`)).json()) as Record<string, number>;
}

async function truth(base: string, reference?: string): Promise<{ transactions: { debitId: string; status: string }[] }> {
  const query = reference === undefined ? '' : `?reference=${encodeURIComponent(reference)}`;
  return (await (await fetch(`${base}/transactions${query}`)).json()) as { transactions: { debitId: string; status: string }[] };
}

describe('dropReplyRate', () => {
  it('commits a bank debit, never answers; the client times out, yet exactly one debit exists and inquiry says succeeded', async () => {
    sim = bank();
    const base = await sim.listen();
    expect((await control(base, { dropReplyRate: 1 })).status).toBe(200);
    const body = debitBody({ accountNo: account });
    const started = Date.now();
    await expect(call(base, 'POST', '/debits', body, 500)).rejects.toThrow(/timeout|aborted/i);
    expect(Date.now() - started).toBeLessThan(5_000);

    expect((await truth(base)).transactions).toHaveLength(1);
    const inquiry = await call(base, 'GET', `/debits?reference=${encodeURIComponent(body.reference)}`);
    expect(inquiry.status).toBe(200);
    expect(await inquiry.json()).toMatchObject({ reference: body.reference, status: 'succeeded', txnId: expect.any(String) });
    expect(sim.state.balanceOf(account)).toBe(10_000_000 - body.amount.amount);
  });

  it('commits a wallet confirm, never answers; a retried confirm replays the success with one debit', async () => {
    sim = wallet();
    const base = await sim.listen();
    const created = (await (await call(base, 'POST', '/debits', debitBody({ msisdn: '+963912345678' }))).json()) as { debitId: string };
    await control(base, { dropReplyRate: 1 });
    await expect(call(base, 'POST', `/debits/${created.debitId}/confirm`, { otp: DEMO_OTP }, 500)).rejects.toThrow(/timeout|aborted/i);
    await control(base, { dropReplyRate: 0 });
    const retry = await call(base, 'POST', `/debits/${created.debitId}/confirm`, { otp: DEMO_OTP });
    expect(retry.status).toBe(200);
    expect(await retry.json()).toMatchObject({ status: 'succeeded' });
    expect((await truth(base)).transactions).toHaveLength(1);
  });

  it('lets the server close at once while a dropped reply is held', async () => {
    sim = bank();
    const base = await sim.listen();
    await control(base, { dropReplyRate: 1 });
    const pending = call(base, 'POST', '/debits', debitBody({ accountNo: account }), 20_000).then(
      () => 'answered',
      () => 'dropped',
    );
    // Wait for the commit, then close: the held socket must not keep close() waiting for 30 s.
    for (let i = 0; i < 50 && sim.state.transactions().length === 0; i += 1) await new Promise((r) => setTimeout(r, 20));
    const started = Date.now();
    await sim.close();
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(await pending).toBe('dropped');
    sim = bank(); // afterEach closes something
  });
});

describe('reversal faults', () => {
  it('dropReplyRate: a reversal credits, never answers; the debit then shows reversed, and a repeat credits nothing more', async () => {
    sim = bank();
    const base = await sim.listen();
    const created = (await (await call(base, 'POST', '/debits', debitBody({ accountNo: account }))).json()) as { debitId: string };
    await control(base, { dropReplyRate: 1 });
    await expect(call(base, 'POST', `/debits/${created.debitId}/reversal`, { reason: 'refund' }, 500)).rejects.toThrow(/timeout|aborted/i);
    await control(base, { dropReplyRate: 0 });
    expect(await (await call(base, 'GET', `/debits/${created.debitId}`)).json()).toMatchObject({ status: 'succeeded', reversed: true });
    const balance = sim.state.balanceOf(account);
    expect((await call(base, 'POST', `/debits/${created.debitId}/reversal`, { reason: 'refund' })).status).toBe(200);
    expect(sim.state.balanceOf(account)).toBe(balance);
  });

  it('reversalRefusalRate: a reversal is refused with 422 reversal_refused and nothing is credited', async () => {
    sim = bank();
    const base = await sim.listen();
    const created = (await (await call(base, 'POST', '/debits', debitBody({ accountNo: account }))).json()) as { debitId: string };
    const balance = sim.state.balanceOf(account);
    await control(base, { reversalRefusalRate: 1 });
    const refused = await call(base, 'POST', `/debits/${created.debitId}/reversal`, { reason: 'refund' });
    expect(refused.status).toBe(422);
    expect(await refused.json()).toMatchObject({ code: 'reversal_refused' });
    expect(sim.state.balanceOf(account)).toBe(balance);
    expect((await truth(base)).transactions).toEqual([expect.objectContaining({ debitId: created.debitId, status: 'succeeded' })]);
  });
});

describe('outage', () => {
  it('answers every API call 503 with Connection: close, while /control and /transactions keep answering', async () => {
    sim = bank();
    const base = await sim.listen();
    await control(base, { outage: true });
    for (const [method, path, body] of [
      ['POST', '/debits', debitBody({ accountNo: account })],
      ['GET', '/debits?reference=x', undefined],
      ['GET', '/debits/dbt_x', undefined],
    ] as const) {
      const res = await call(base, method, path, body);
      expect(res.status).toBe(503);
      expect(res.headers.get('connection')).toBe('close');
    }
    expect((await truth(base)).transactions).toHaveLength(0);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect(((await (await fetch(`${base}/control`)).json()) as { outage: boolean }).outage).toBe(true);
    await control(base, { outage: false });
    expect((await call(base, 'POST', '/debits', debitBody({ accountNo: account }))).status).toBe(201);
  });
});

describe('failureRate', () => {
  it('answers 500 before any effect: nothing debited, and the reference is unknown afterwards', async () => {
    sim = bank();
    const base = await sim.listen();
    await control(base, { failureRate: 1 });
    const body = debitBody({ accountNo: account });
    const res = await call(base, 'POST', '/debits', body);
    expect(res.status).toBe(500);
    expect((await truth(base)).transactions).toHaveLength(0);
    await fetch(`${base}/control/reset`, { method: 'POST' });
    const inquiry = await call(base, 'GET', `/debits?reference=${encodeURIComponent(body.reference)}`);
    expect(inquiry.status).toBe(404);
    expect(await inquiry.json()).toEqual({ status: 'not_found' });
  });
});

describe('latencyMs', () => {
  it('delays every API answer, fixed or within a range', async () => {
    sim = bank();
    const base = await sim.listen();
    await control(base, { latencyMs: 300 });
    let started = Date.now();
    expect((await call(base, 'GET', '/debits/dbt_x')).status).toBe(404);
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
    await control(base, { latencyMs: { min: 100, max: 150 } });
    started = Date.now();
    await call(base, 'GET', '/debits/dbt_x');
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
    // /control itself is never delayed.
    started = Date.now();
    await fetch(`${base}/control`);
    expect(Date.now() - started).toBeLessThan(90);
  });
});

describe('queueDebitsMs', () => {
  it('takes a debit without answering, says not_found until its time comes, then debits once', async () => {
    sim = bank();
    const base = await sim.listen();
    expect((await control(base, { queueDebitsMs: 60_000 })).status).toBe(200);
    const body = debitBody({ accountNo: account });
    await expect(call(base, 'POST', '/debits', body, 500)).rejects.toThrow(/timeout|aborted/i);
    await control(base, { queueDebitsMs: 0 });

    const byReference = `/debits?reference=${encodeURIComponent(body.reference)}`;
    sim.clock.now = new Date(sim.clock.now.getTime() + 59_000);
    expect((await call(base, 'GET', byReference)).status).toBe(404);
    expect((await truth(base)).transactions).toHaveLength(0);
    expect(sim.state.balanceOf(account)).toBe(10_000_000);

    sim.clock.now = new Date(sim.clock.now.getTime() + 1_000);
    const inquiry = await call(base, 'GET', byReference);
    expect(inquiry.status).toBe(200);
    expect(await inquiry.json()).toMatchObject({ reference: body.reference, status: 'succeeded', txnId: expect.any(String) });
    expect((await truth(base)).transactions).toHaveLength(1);
    expect(sim.state.balanceOf(account)).toBe(10_000_000 - body.amount.amount);
  });
});

describe('/control', () => {
  it('merges partial settings, returns them, and resets to defaults', async () => {
    sim = bank();
    const set = await sim.app.inject({ method: 'POST', url: '/control', payload: { failureRate: 0.25, latencyMs: { min: 5, max: 10 } } });
    expect(set.statusCode).toBe(200);
    expect(set.json()).toEqual({ latencyMs: { min: 5, max: 10 }, failureRate: 0.25, insufficientFundsRate: 0, declineRate: 0, outage: false, dropReplyRate: 0, queueDebitsMs: 0, reversalRefusalRate: 0, settlementOmit: [], settlementAmounts: {}, settlementExtraRows: [] });
    const more = await sim.app.inject({ method: 'POST', url: '/control', payload: { outage: true } });
    expect(more.json()).toMatchObject({ failureRate: 0.25, outage: true });
    expect((await sim.app.inject({ method: 'GET', url: '/control' })).json()).toEqual(more.json());
    const reset = await sim.app.inject({ method: 'POST', url: '/control/reset' });
    expect(reset.json()).toEqual({ latencyMs: 0, failureRate: 0, insufficientFundsRate: 0, declineRate: 0, outage: false, dropReplyRate: 0, queueDebitsMs: 0, reversalRefusalRate: 0, settlementOmit: [], settlementAmounts: {}, settlementExtraRows: [] });
  });

  it('refuses bad input with 400 and changes nothing', async () => {
    sim = bank();
    for (const payload of [
      { failureRate: 1.5 },
      { dropReplyRate: -0.1 },
      { outage: 'yes' },
      { latencyMs: -1 },
      { latencyMs: { min: 10, max: 5 } },
      { latencyMs: 'slow' },
      { failurerate: 1 },
      { queueDebitsMs: -5 },
      { settlementOmit: 'ref-1' },
      { settlementAmounts: { 'ref-1': 1.5 } },
      { settlementAmounts: { 'ref-1': -100 } },
      { settlementExtraRows: [{ reference: '', amount: 100 }] },
      { settlementExtraRows: [{ reference: 'x', amount: 100, status: 'pending' }] },
      { settlementExtraRows: [{ reference: 'x', amount: 100, extra: true }] },
    ]) {
      const res = await sim.app.inject({ method: 'POST', url: '/control', payload });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ error: { code: 'invalid_request' } });
    }
    expect((await sim.app.inject({ method: 'GET', url: '/control' })).json()).toMatchObject({ failureRate: 0, outage: false, latencyMs: 0 });
  });
});

describe('settlement faults', () => {
  it("misstate the day's file (a row left out, another amount, rows added) while what was debited stays as it was", async () => {
    sim = bank();
    const base = await sim.listen();
    const kept = debitBody({ accountNo: account });
    const left = debitBody({ accountNo: account });
    const debited = (await (await call(base, 'POST', '/debits', kept)).json()) as { debitedAt: string };
    expect((await call(base, 'POST', '/debits', left)).status).toBe(201);
    const date = settlementDateOf(debited.debitedAt, { cutOff: sim.channel.settlementCutOff, timeZone: sim.channel.settlementTimeZone });
    expect(
      (
        await control(base, {
          settlementOmit: [left.reference],
          settlementAmounts: { [kept.reference]: kept.amount.amount + 1 },
          settlementExtraRows: [{ reference: 'never-asked', amount: 700 }, { reference: kept.reference, amount: kept.amount.amount, status: 'reversed' }],
        })
      ).status,
    ).toBe(200);
    const file = parse<Record<string, string>>(await (await call(base, 'GET', `/settlements/${date}.csv`)).text(), { columns: true });
    expect(file.map((r) => [r.reference, r.amount, r.status])).toEqual([
      [kept.reference, String(kept.amount.amount + 1), 'succeeded'],
      ['never-asked', '700', 'succeeded'],
      [kept.reference, String(kept.amount.amount), 'reversed'],
    ]);
    expect((await truth(base)).transactions.map((t) => t.status)).toEqual(['succeeded', 'succeeded']);

    await fetch(`${base}/control/reset`, { method: 'POST' });
    const honest = parse<Record<string, string>>(await (await call(base, 'GET', `/settlements/${date}.csv`)).text(), { columns: true });
    expect(honest.map((r) => r.reference)).toEqual([kept.reference, left.reference]);
  });
});

describe('GET /stats: what the faults did to real calls', () => {
  it('counts a dropped reply, a delayed call, one abandoned by its client, and an outage refusal; none without faults', async () => {
    sim = bank();
    const base = await sim.listen();
    expect((await call(base, 'POST', '/debits', debitBody({ accountNo: account }))).status).toBe(201);
    expect(await faultCounters(base)).toEqual({ repliesDropped: 0, callsDelayed: 0, delayedCallsAbandoned: 0, outageRefused: 0 });

    await control(base, { dropReplyRate: 1 });
    await expect(call(base, 'POST', '/debits', debitBody({ accountNo: account }), 500)).rejects.toThrow(/timeout|aborted/i);
    await fetch(`${base}/control/reset`, { method: 'POST' });

    await control(base, { latencyMs: 50 });
    expect((await call(base, 'GET', '/debits/dbt_x')).status).toBe(404);
    // Longer than the client waits: it hangs up, and the answer due after the delay finds it gone.
    await control(base, { latencyMs: 1_000 });
    await expect(call(base, 'GET', '/debits/dbt_y', undefined, 200)).rejects.toThrow(/timeout|aborted/i);
    await waitFor(async () => (await faultCounters(base))['delayedCallsAbandoned'] === 1);
    await fetch(`${base}/control/reset`, { method: 'POST' });

    await control(base, { outage: true });
    expect((await call(base, 'POST', '/debits', debitBody({ accountNo: account }))).status).toBe(503);
    expect((await call(base, 'GET', '/debits/dbt_x')).status).toBe(503);

    // /control/reset leaves the counters: a reader compares two readings.
    await fetch(`${base}/control/reset`, { method: 'POST' });
    expect(await faultCounters(base)).toEqual({ repliesDropped: 1, callsDelayed: 2, delayedCallsAbandoned: 1, outageRefused: 2 });
  });
});
