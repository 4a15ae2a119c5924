// The wallet channels: debit request → OTP → confirm, the OTP's attempts and expiry, and the
// difference between a wallet that dedupes by reference (wallet-one) and one that does not (wallet-two).
import { afterEach, describe, expect, it } from '@jest/globals';
import { DEMO_OTP } from '../src/domain/debit.ts';
import { debitBody, keyHeader, wallet } from './simulator-fixture.ts';
import type { SimulatorFixture } from './simulator-fixture.ts';

const msisdn = '+963912345678';
let sim: SimulatorFixture;

afterEach(async () => {
  await sim.close();
});

async function post(url: string, payload: unknown) {
  return sim.app.inject({ method: 'POST', url, payload: payload as Record<string, unknown>, headers: keyHeader });
}

async function requestDebit(body = debitBody({ msisdn })): Promise<{ debitId: string; reference: string }> {
  const res = await post('/debits', body);
  expect(res.statusCode).toBe(202);
  return res.json();
}

describe('wallet OTP flow', () => {
  it('answers 202 otp_required, moves no money until the right OTP, accepts it after a wrong one', async () => {
    sim = wallet();
    const body = debitBody({ msisdn }, 7_000);
    const res = await post('/debits', body);
    expect(res.statusCode).toBe(202);
    const pending = res.json<{ debitId: string; expiresAt: string }>();
    expect(pending).toMatchObject({ reference: body.reference, status: 'otp_required', otpLength: 6 });
    expect(Date.parse(pending.expiresAt) - sim.clock.now.getTime()).toBe(5 * 60_000);
    expect(sim.state.transactions()).toHaveLength(0);

    const wrong = await post(`/debits/${pending.debitId}/confirm`, { otp: '000000' });
    expect(wrong.statusCode).toBe(422);
    expect(wrong.json()).toMatchObject({ status: 'otp_required', code: 'invalid_otp', attemptsLeft: 2 });

    const right = await post(`/debits/${pending.debitId}/confirm`, { otp: DEMO_OTP });
    expect(right.statusCode).toBe(200);
    expect(right.json()).toMatchObject({ debitId: pending.debitId, reference: body.reference, status: 'succeeded', txnId: expect.any(String), amount: body.amount, debitedAt: expect.any(String) });
    expect(sim.state.balanceOf(msisdn)).toBe(10_000_000 - 7_000);

    // A repeat confirm (the first reply lost) replays the success and debits nothing more.
    const again = await post(`/debits/${pending.debitId}/confirm`, { otp: DEMO_OTP });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual(right.json());
    expect(sim.state.transactions()).toHaveLength(1);
  });

  it('fails the debit after three wrong OTPs, and the right one cannot revive it', async () => {
    sim = wallet();
    const { debitId } = await requestDebit();
    expect((await post(`/debits/${debitId}/confirm`, { otp: '111111' })).json()).toMatchObject({ attemptsLeft: 2 });
    expect((await post(`/debits/${debitId}/confirm`, { otp: '222222' })).json()).toMatchObject({ attemptsLeft: 1 });
    const third = await post(`/debits/${debitId}/confirm`, { otp: '333333' });
    expect(third.statusCode).toBe(422);
    expect(third.json()).toMatchObject({ status: 'failed', code: 'otp_attempts_exceeded' });
    const late = await post(`/debits/${debitId}/confirm`, { otp: DEMO_OTP });
    expect(late.statusCode).toBe(422);
    expect(late.json()).toMatchObject({ status: 'failed', code: 'otp_attempts_exceeded' });
    expect(sim.state.transactions()).toHaveLength(0);
  });

  it('expires the OTP after 5 minutes: confirm and inquiry both say failed/expired', async () => {
    sim = wallet();
    const { debitId } = await requestDebit();
    sim.clock.now = new Date(sim.clock.now.getTime() + 5 * 60_000);
    const inquiry = await sim.app.inject({ method: 'GET', url: `/debits/${debitId}`, headers: keyHeader });
    expect(inquiry.json()).toMatchObject({ status: 'failed', code: 'expired' });
    const res = await post(`/debits/${debitId}/confirm`, { otp: DEMO_OTP });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ status: 'failed', code: 'expired' });
    expect(sim.state.transactions()).toHaveLength(0);
  });

  it('answers 402 or 422 at confirm when the money cannot move', async () => {
    sim = wallet({ accounts: [{ payer: '+963930000001', balance: 500 }, { payer: '0930000002', balance: 10_000_000, blocked: true }] });
    const poor = await requestDebit(debitBody({ msisdn: '+963930000001' }, 501));
    const res = await post(`/debits/${poor.debitId}/confirm`, { otp: DEMO_OTP });
    expect(res.statusCode).toBe(402);
    expect(res.json()).toMatchObject({ status: 'failed', code: 'insufficient_funds' });

    const blocked = await requestDebit(debitBody({ msisdn: '+963930000002' }));
    const declined = await post(`/debits/${blocked.debitId}/confirm`, { otp: DEMO_OTP });
    expect(declined.statusCode).toBe(422);
    expect(declined.json()).toMatchObject({ status: 'failed', code: 'declined' });

    await post('/control', { insufficientFundsRate: 1 });
    const rich = await requestDebit();
    expect((await post(`/debits/${rich.debitId}/confirm`, { otp: DEMO_OTP })).statusCode).toBe(402);
    expect(sim.state.transactions()).toHaveLength(0);
  });

  it('refuses a malformed MSISDN with 422 invalid_payer and accepts the national form', async () => {
    sim = wallet();
    for (const bad of ['+96391234567', '+963112345678', '+12025550123', 'not-a-number']) {
      const res = await post('/debits', debitBody({ msisdn: bad }));
      expect(res.statusCode).toBe(422);
      expect(res.json()).toMatchObject({ status: 'failed', code: 'invalid_payer' });
    }
    const national = await requestDebit(debitBody({ msisdn: '0912345678' }, 10));
    await post(`/debits/${national.debitId}/confirm`, { otp: DEMO_OTP });
    expect(sim.state.transactions()[0]?.payer).toBe('+963912345678');
  });

  it('answers 409 otp_not_required when a bank debit is confirmed', async () => {
    sim = wallet({ kind: 'bank', channelId: 'bank-alpha' });
    const created = (await post('/debits', debitBody({ accountNo: '0123456789' }))).json<{ debitId: string }>();
    const res = await post(`/debits/${created.debitId}/confirm`, { otp: DEMO_OTP });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ error: 'otp_not_required', status: 'succeeded' });
  });
});

describe('dedupe by reference across wallets', () => {
  it('wallet-one (dedupes): the same reference twice is one debit and one transaction', async () => {
    sim = wallet({ channelId: 'wallet-one', dedupesByReference: true });
    const body = debitBody({ msisdn });
    const first = await requestDebit(body);
    const repeat = await post('/debits', body);
    expect(repeat.statusCode).toBe(200);
    expect(repeat.json()).toMatchObject({ debitId: first.debitId, status: 'otp_required' });
    await post(`/debits/${first.debitId}/confirm`, { otp: DEMO_OTP });
    const afterSuccess = await post('/debits', body);
    expect(afterSuccess.statusCode).toBe(200);
    expect(afterSuccess.json()).toMatchObject({ debitId: first.debitId, status: 'succeeded' });
    expect(sim.state.transactions(body.reference)).toHaveLength(1);
  });

  it('wallet-two (does NOT dedupe): the same reference twice is two debits and two transactions', async () => {
    sim = wallet({ channelId: 'wallet-two', port: 4003, dedupesByReference: false });
    const body = debitBody({ msisdn }, 1_000);
    const first = await requestDebit(body);
    const second = await requestDebit(body);
    expect(second.debitId).not.toBe(first.debitId);
    await post(`/debits/${first.debitId}/confirm`, { otp: DEMO_OTP });
    await post(`/debits/${second.debitId}/confirm`, { otp: DEMO_OTP });
    const list = (await sim.app.inject({ method: 'GET', url: `/transactions?reference=${body.reference}` })).json<{ transactions: unknown[] }>();
    expect(list.transactions).toHaveLength(2);
    expect(sim.state.balanceOf(msisdn)).toBe(10_000_000 - 2_000);
    // Inquiry by reference names the latest of them.
    const byRef = await sim.app.inject({ method: 'GET', url: `/debits?reference=${body.reference}`, headers: keyHeader });
    expect(byRef.json()).toMatchObject({ debitId: second.debitId });
  });
});
