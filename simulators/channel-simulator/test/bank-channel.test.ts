// The bank channel over inject (and real HTTP where two requests must truly race): direct debit,
// refusals, dedupe by reference, status inquiry, reversal and the settlement file.
import { afterEach, describe, expect, it } from '@jest/globals';
import { parse } from 'csv-parse/sync';
import { settlementDateOf } from '../src/domain/settlement.ts';
import { API_KEY, bank, debitBody, keyHeader, uniqueReference } from './simulator-fixture.ts';
import type { SimulatorFixture } from './simulator-fixture.ts';

const account = '0123456789012';
let sim: SimulatorFixture;

afterEach(async () => {
  await sim.close();
});

async function post(url: string, payload: unknown, headers: Record<string, string> = keyHeader) {
  return sim.app.inject({ method: 'POST', url, payload: payload as Record<string, unknown>, headers });
}

describe('bank debit', () => {
  it('debits at once: 201 with txnId, listed in /transactions, balance reduced', async () => {
    sim = bank();
    const body = debitBody({ accountNo: account }, 12_500);
    const res = await post('/debits', body);
    expect(res.statusCode).toBe(201);
    const debit = res.json<Record<string, unknown>>();
    expect(debit).toMatchObject({ reference: body.reference, status: 'succeeded', amount: { amount: 12_500, currency: 'SYP' } });
    expect(debit.debitId).toEqual(expect.stringMatching(/^dbt_/));
    expect(debit.txnId).toEqual(expect.stringMatching(/^txn_/));
    expect(typeof debit.debitedAt).toBe('string');
    expect(sim.state.balanceOf(account)).toBe(10_000_000 - 12_500);

    const list = (await sim.app.inject({ method: 'GET', url: '/transactions' })).json<{ transactions: unknown[] }>();
    expect(list.transactions).toEqual([
      expect.objectContaining({ debitId: debit.debitId, reference: body.reference, txnId: debit.txnId, payer: account, status: 'succeeded' }),
    ]);
  });

  it('refuses a missing or wrong X-Api-Key with 401 and debits nothing', async () => {
    sim = bank();
    expect((await post('/debits', debitBody({ accountNo: account }), {})).statusCode).toBe(401);
    const wrong = await post('/debits', debitBody({ accountNo: account }), { 'x-api-key': `${API_KEY}x` });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json()).toEqual({ error: 'unauthorized' });
    expect((await sim.app.inject({ method: 'GET', url: '/debits/dbt_x', headers: {} })).statusCode).toBe(401);
    expect(sim.state.transactions()).toHaveLength(0);
  });

  it('answers 402 insufficient_funds when insufficientFundsRate is 1, and moves no money', async () => {
    sim = bank();
    await sim.app.inject({ method: 'POST', url: '/control', payload: { insufficientFundsRate: 1 } });
    const res = await post('/debits', debitBody({ accountNo: account }));
    expect(res.statusCode).toBe(402);
    expect(res.json()).toMatchObject({ status: 'failed', code: 'insufficient_funds', debitId: expect.any(String) });
    expect(sim.state.transactions()).toHaveLength(0);
    expect(sim.state.balanceOf(account)).toBe(10_000_000);
  });

  it('answers 402 when the configured balance is too low', async () => {
    sim = bank({ accounts: [{ payer: '1000000000000001', balance: 500 }] });
    const res = await post('/debits', debitBody({ accountNo: '1000000000000001' }, 501));
    expect(res.statusCode).toBe(402);
    expect((await post('/debits', debitBody({ accountNo: '1000000000000001' }, 500))).statusCode).toBe(201);
    expect(sim.state.balanceOf('1000000000000001')).toBe(0);
  });

  it('declines a blocked account, an injected decline and a foreign currency with 422 declined', async () => {
    sim = bank({ accounts: [{ payer: '1000000000000002', balance: 10_000_000, blocked: true }] });
    const blocked = await post('/debits', debitBody({ accountNo: '1000000000000002' }));
    expect(blocked.statusCode).toBe(422);
    expect(blocked.json()).toMatchObject({ status: 'failed', code: 'declined' });

    const foreign = await post('/debits', { ...debitBody({ accountNo: account }), amount: { amount: 100, currency: 'USD' } });
    expect(foreign.statusCode).toBe(422);
    expect(foreign.json()).toMatchObject({ status: 'failed', code: 'declined' });

    await sim.app.inject({ method: 'POST', url: '/control', payload: { declineRate: 1 } });
    const injected = await post('/debits', debitBody({ accountNo: account }));
    expect(injected.statusCode).toBe(422);
    expect(injected.json()).toMatchObject({ status: 'failed', code: 'declined' });
    expect(sim.state.transactions()).toHaveLength(0);
  });

  it('answers 422 invalid_payer for a malformed account number and 400 for a malformed body', async () => {
    sim = bank();
    for (const accountNo of ['12345', '12345678901234567', '12345abcde']) {
      const res = await post('/debits', debitBody({ accountNo }));
      expect(res.statusCode).toBe(422);
      expect(res.json()).toMatchObject({ status: 'failed', code: 'invalid_payer' });
    }
    expect((await post('/debits', debitBody({ msisdn: '+963912345678' }))).json()).toMatchObject({ code: 'invalid_payer' });
    expect((await post('/debits', { ...debitBody({ accountNo: account }), amount: { amount: 12.5, currency: 'SYP' } })).statusCode).toBe(400);
    expect((await post('/debits', { ...debitBody({ accountNo: account }), amount: { amount: 0, currency: 'SYP' } })).statusCode).toBe(400);
    expect((await post('/debits', { payer: { accountNo: account }, amount: { amount: 1, currency: 'SYP' } })).statusCode).toBe(400);
    expect(sim.state.transactions()).toHaveLength(0);
  });
});

describe('dedupe by reference (bank-alpha dedupes)', () => {
  it('answers a repeat with the original (200) and debits once', async () => {
    sim = bank();
    const body = debitBody({ accountNo: account });
    const first = await post('/debits', body);
    const second = await post('/debits', body);
    expect(first.statusCode).toBe(201);
    expect(second.statusCode).toBe(200);
    expect(second.json()).toEqual(first.json());
    expect(sim.state.transactions(body.reference)).toHaveLength(1);
    expect(sim.state.balanceOf(account)).toBe(10_000_000 - body.amount.amount);
  });

  it('debits once when two identical debits arrive at the same time over real HTTP', async () => {
    sim = bank();
    const base = await sim.listen();
    const body = JSON.stringify(debitBody({ accountNo: account }));
    const send = () => fetch(`${base}/debits`, { method: 'POST', body, headers: { ...keyHeader, 'content-type': 'application/json' } });
    const answers = await Promise.all([send(), send(), send(), send()]);
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).toEqual([200, 200, 200, 201]);
    const ids = new Set(await Promise.all(answers.map(async (a) => ((await a.json()) as { debitId: string }).debitId)));
    expect(ids.size).toBe(1);
    const truth = (await (await fetch(`${base}/transactions`)).json()) as { transactions: unknown[] };
    expect(truth.transactions).toHaveLength(1);
  });

  it('refuses the same reference with another amount (409) and keeps the original', async () => {
    sim = bank();
    const body = debitBody({ accountNo: account }, 100);
    await post('/debits', body);
    const conflict = await post('/debits', { ...body, amount: { amount: 200, currency: 'SYP' } });
    expect(conflict.statusCode).toBe(409);
    expect(conflict.json()).toMatchObject({ error: 'reference_conflict', status: 'succeeded' });
    expect(sim.state.transactions()).toHaveLength(1);
  });
});

describe('status inquiry', () => {
  it('finds a debit by id and by reference; 404 not_found for a reference never received', async () => {
    sim = bank();
    const body = debitBody({ accountNo: account });
    const created = (await post('/debits', body)).json<{ debitId: string; txnId: string }>();
    const byId = await sim.app.inject({ method: 'GET', url: `/debits/${created.debitId}`, headers: keyHeader });
    expect(byId.statusCode).toBe(200);
    expect(byId.json()).toMatchObject({ debitId: created.debitId, reference: body.reference, status: 'succeeded', txnId: created.txnId, amount: body.amount });
    const byRef = await sim.app.inject({ method: 'GET', url: `/debits?reference=${encodeURIComponent(body.reference)}`, headers: keyHeader });
    expect(byRef.json()).toEqual(byId.json());

    const missing = await sim.app.inject({ method: 'GET', url: `/debits?reference=${uniqueReference()}`, headers: keyHeader });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({ status: 'not_found' });
    expect((await sim.app.inject({ method: 'GET', url: '/debits/dbt_nope', headers: keyHeader })).json()).toEqual({ status: 'not_found' });
  });

  it('reports a refused debit as failed with its code', async () => {
    sim = bank();
    await sim.app.inject({ method: 'POST', url: '/control', payload: { insufficientFundsRate: 1 } });
    const body = debitBody({ accountNo: account });
    await post('/debits', body);
    const byRef = await sim.app.inject({ method: 'GET', url: `/debits?reference=${body.reference}`, headers: keyHeader });
    expect(byRef.json()).toMatchObject({ status: 'failed', code: 'insufficient_funds' });
  });
});

describe('reversal', () => {
  it('credits the payer back once, however often it is asked', async () => {
    sim = bank();
    const created = (await post('/debits', debitBody({ accountNo: account }, 40_000))).json<{ debitId: string }>();
    expect(sim.state.balanceOf(account)).toBe(10_000_000 - 40_000);
    for (let i = 0; i < 2; i += 1) {
      const res = await post(`/debits/${created.debitId}/reversal`, { reason: 'customer dispute' });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ status: 'reversed' });
    }
    expect(sim.state.balanceOf(account)).toBe(10_000_000);
    expect(sim.state.transactions()).toEqual([expect.objectContaining({ debitId: created.debitId, status: 'reversed', reversedAt: expect.any(String) })]);
  });

  it('refuses to reverse a failed debit (409) and an unknown one (404)', async () => {
    sim = bank();
    await sim.app.inject({ method: 'POST', url: '/control', payload: { insufficientFundsRate: 1 } });
    const failed = (await post('/debits', debitBody({ accountNo: account }))).json<{ debitId: string }>();
    const res = await post(`/debits/${failed.debitId}/reversal`, { reason: 'x' });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ error: 'not_reversible', status: 'failed' });
    expect((await post('/debits/dbt_nope/reversal', { reason: 'x' })).statusCode).toBe(404);
    expect(sim.state.balanceOf(account)).toBe(10_000_000);
  });
});

describe('settlement file', () => {
  it("lists the day's debits and reversals as CSV that parses back", async () => {
    sim = bank();
    const a = (await post('/debits', { ...debitBody({ accountNo: account }, 1_000), description: 'has, a "comma"' })).json<{ debitId: string; debitedAt: string }>();
    const b = (await post('/debits', { ...debitBody({ accountNo: account }, 2_000), reference: 'ref,"quoted"' })).json<{ debitId: string }>();
    await post(`/debits/${b.debitId}/reversal`, { reason: 'duplicate' });
    await sim.app.inject({ method: 'POST', url: '/control', payload: { insufficientFundsRate: 1 } });
    await post('/debits', debitBody({ accountNo: account }, 3_000));

    const date = settlementDateOf(a.debitedAt, { cutOff: sim.channel.settlementCutOff, timeZone: sim.channel.settlementTimeZone });
    const res = await sim.app.inject({ method: 'GET', url: `/settlements/${date}.csv`, headers: keyHeader });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    expect(res.body.split('\n')[0]).toBe('txnId,reference,debitId,payer,amount,currency,status,debitedAt');
    const rows = parse<Record<string, string>>(res.body, { columns: true });
    expect(rows.map((r) => [r.debitId, r.amount, r.status])).toEqual([
      [a.debitId, '1000', 'succeeded'],
      [b.debitId, '2000', 'succeeded'],
      [b.debitId, '2000', 'reversed'],
    ]);
    expect(rows[1]?.reference).toBe('ref,"quoted"');

    const otherDay = await sim.app.inject({ method: 'GET', url: '/settlements/2001-01-01.csv', headers: keyHeader });
    expect(parse(otherDay.body, { columns: true })).toEqual([]);
    expect((await sim.app.inject({ method: 'GET', url: '/settlements/2026-02-30.csv', headers: keyHeader })).statusCode).toBe(400);
    expect((await sim.app.inject({ method: 'GET', url: `/settlements/${date}.csv` })).statusCode).toBe(401);
  });

  it("follows the channel's cut-off: a debit or reversal from the cut-off on is in the next day's file", async () => {
    // Cut-off 23:00 in Asia/Damascus (UTC+3) is 20:00 UTC: the calendar day there runs on until 21:00 UTC.
    sim = bank({ settlementCutOff: '23:00' });
    const csv = async (date: string) =>
      parse<Record<string, string>>((await sim.app.inject({ method: 'GET', url: `/settlements/${date}.csv`, headers: keyHeader })).body, { columns: true }).map((r) => [
        r.reference,
        r.status,
        r.debitedAt,
      ]);
    sim.clock.now = new Date('2026-11-01T19:59:59.000Z');
    const before = debitBody({ accountNo: account }, 1_000);
    expect((await post('/debits', before)).statusCode).toBe(201);
    sim.clock.now = new Date('2026-11-01T20:00:00.000Z');
    const after = debitBody({ accountNo: account }, 2_000);
    const afterDebit = (await post('/debits', after)).json<{ debitId: string }>();
    sim.clock.now = new Date('2026-11-01T20:30:00.000Z');
    expect((await post(`/debits/${afterDebit.debitId}/reversal`, { reason: 'duplicate' })).statusCode).toBe(200);

    expect(await csv('2026-11-01')).toEqual([[before.reference, 'succeeded', '2026-11-01T19:59:59.000Z']]);
    expect(await csv('2026-11-02')).toEqual([
      [after.reference, 'succeeded', '2026-11-01T20:00:00.000Z'],
      [after.reference, 'reversed', '2026-11-01T20:00:00.000Z'],
    ]);

    // A row the faults add at the end of the day is dated inside that day, just before its cut-off.
    await sim.app.inject({ method: 'POST', url: '/control', payload: { settlementExtraRows: [{ reference: 'never-asked', amount: 700 }] } });
    expect((await csv('2026-11-01')).at(-1)).toEqual(['never-asked', 'succeeded', '2026-11-01T19:59:59.000Z']);
  });
});
