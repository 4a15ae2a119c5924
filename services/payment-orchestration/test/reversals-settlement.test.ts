// Reversals before and after the channel's settlement cut-off (23:00 Asia/Damascus = 20:00 UTC for
// bank-alpha), and the channel's daily statement. The clock is the harness's.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { PaymentNotificationResponse, PaymentStatusResponse, ReversalResponse, SettlementResponse } from '@gateway/contracts';
import { aPayment, startHarness, syp } from './support/harness.ts';
import type { Harness } from './support/harness.ts';

const morning = '2026-05-10T09:00:00.000Z';
const beforeCutOff = '2026-05-10T19:59:59.000Z';
const atCutOff = '2026-05-10T20:00:00.000Z';

describe('POST /v1/payments/{id}/reversals', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ now: morning });
  });
  afterAll(async () => {
    await h.close();
  });

  async function pay(): Promise<{ bill: Awaited<ReturnType<Harness['issueBill']>>; payment: PaymentNotificationResponse }> {
    h.setNow(morning);
    const bill = await h.issueBill();
    const res = await h.send<PaymentNotificationResponse>('POST', '/v1/payments', { body: aPayment(bill) });
    expect(res.status).toBe(201);
    return { bill, payment: res.body };
  }

  it('reverses before the cut-off: balanced ledger, payment.reversed in the outbox, and the bill payable again at once', async () => {
    const { bill, payment } = await pay();
    h.setNow(beforeCutOff);
    const res = await h.send<ReversalResponse>('POST', `/v1/payments/${payment.paymentId}/reversals`, { body: { reason: 'customer disputed' } });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ reversalId: expect.stringMatching(/^rev_/), status: 'completed', paymentId: payment.paymentId, amount: syp(150_000), reversedAt: beforeCutOff });

    const status = await h.send<PaymentStatusResponse>('GET', `/v1/payments/${payment.paymentId}`);
    expect(status.body.status).toBe('reversed');
    expect(status.body.reversal).toEqual({ reversalId: res.body.reversalId, reason: 'customer disputed', reversedAt: beforeCutOff });

    const { rows } = await h.db.pool.query<{ account: string; amount: number }>('SELECT account, amount FROM ledger_entries WHERE txn_id = $1 ORDER BY entry_no', [
      res.body.reversalId,
    ]);
    expect(rows.map((r) => [r.account, Number(r.amount)])).toEqual([
      ['channel:bank-alpha:receivable', -150_000],
      ['biller:telecom:payable', 150_000],
    ]);
    expect(await h.count('outbox', `payload->>'type' = 'payment.reversed' AND payload->'payload'->>'paymentId' = $1`, [payment.paymentId])).toBe(1);

    // The bill is payable again here, before billing has heard of the reversal.
    const again = await h.send('POST', '/v1/payments', { as: 'wallet-one', body: aPayment(bill) });
    expect(again.status).toBe(201);
  });

  it('returns the same reversal for a repeat: replayed under the same key, the same reversal under a new one', async () => {
    const { payment } = await pay();
    const path = `/v1/payments/${payment.paymentId}/reversals`;
    const first = await h.send<ReversalResponse>('POST', path, { body: { reason: 'duplicate debit' }, idempotencyKey: 'rev-1' });
    const replay = await h.send<ReversalResponse>('POST', path, { body: { reason: 'duplicate debit' }, idempotencyKey: 'rev-1' });
    expect(replay.payload).toBe(first.payload);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    const fresh = await h.send<ReversalResponse>('POST', path, { body: { reason: 'duplicate debit' } });
    expect(fresh.status).toBe(201);
    expect(fresh.body.reversalId).toBe(first.body.reversalId);
    expect(await h.count('reversals', 'payment_id = $1', [payment.paymentId])).toBe(1);
  });

  it('refuses after the cut-off with 409 settlement_closed', async () => {
    const { payment } = await pay();
    h.setNow(atCutOff);
    const res = await h.send('POST', `/v1/payments/${payment.paymentId}/reversals`, { body: { reason: 'too late' } });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({
      code: 'settlement_closed',
      details: { reason: 'settlement_closed', businessDate: '2026-05-10', cutOffAt: atCutOff },
    });
    expect(await h.count('reversals', 'payment_id = $1', [payment.paymentId])).toBe(0);
  });

  it('answers a reversed payment\'s channelTxnId under a new key with 409 payment_reversed naming the reversal, never "completed"', async () => {
    h.setNow(morning);
    const bill = await h.issueBill();
    const body = aPayment(bill);
    const first = await h.send<PaymentNotificationResponse>('POST', '/v1/payments', { body, idempotencyKey: 'pay-k1' });
    expect(first.status).toBe(201);
    const reversal = await h.send<ReversalResponse>('POST', `/v1/payments/${first.body.paymentId}/reversals`, { body: { reason: 'customer disputed' } });
    expect(reversal.status).toBe(201);

    // The same body under a new key: the payment's real status, not the original success.
    const again = await h.send('POST', '/v1/payments', { body, idempotencyKey: 'pay-k2' });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({
      code: 'payment_reversed',
      details: { paymentId: first.body.paymentId, reversalId: reversal.body.reversalId, reversedAt: reversal.body.reversedAt },
    });
    expect(await h.count('payments', 'channel_txn_id = $1', [body.channelTxnId])).toBe(1);
    // That answer is stored under K2 like any other.
    const againReplay = await h.send('POST', '/v1/payments', { body, idempotencyKey: 'pay-k2' });
    expect(againReplay.payload).toBe(again.payload);

    // A byte-for-byte replay under the FIRST key stays that key's stored first answer (docs/api.md).
    const replay = await h.send<PaymentNotificationResponse>('POST', '/v1/payments', { body, idempotencyKey: 'pay-k1' });
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.payload).toBe(first.payload);

    // Status inquiry by channelTxnId tells the truth too.
    const byTxn = await h.send<PaymentStatusResponse>('GET', `/v1/payments?channelTxnId=${body.channelTxnId}`);
    expect(byTxn.status).toBe(200);
    expect(byTxn.body).toMatchObject({ paymentId: first.body.paymentId, status: 'reversed', reversal: { reversalId: reversal.body.reversalId } });
  });

  it("answers 404 for another client's payment", async () => {
    const { payment } = await pay();
    const res = await h.send('POST', `/v1/payments/${payment.paymentId}/reversals`, { as: 'wallet-one', body: { reason: 'not mine' } });
    expect(res.status).toBe(404);
  });
});

describe('GET /v1/settlements/{businessDate}', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ now: morning });
  });
  afterAll(async () => {
    await h.close();
  });

  it("lists the channel's payments and reversals of the day with totals and fees, and closes at the cut-off", async () => {
    const essential = await h.issueBill();
    const government = await h.issueBill({ billerId: 'civil-registry', essential: false, amount: syp(20_000), amountDue: syp(20_000), minAmount: syp(20_000), maxAmount: syp(20_000) });
    const other = await h.issueBill();
    const p1 = await h.send<PaymentNotificationResponse>('POST', '/v1/payments', { body: aPayment(essential) });
    const p2 = await h.send<PaymentNotificationResponse>('POST', '/v1/payments', { body: aPayment(government) });
    // Another channel's payment is not in bank-alpha's statement.
    await h.send('POST', '/v1/payments', { as: 'wallet-one', body: aPayment(other) });
    await h.send('POST', `/v1/payments/${p2.body.paymentId}/reversals`, { body: { reason: 'wrong service' } });

    const open = await h.send<SettlementResponse>('GET', '/v1/settlements/2026-05-10');
    expect(open.status).toBe(200);
    expect(open.body).toMatchObject({ channelId: 'bank-alpha', businessDate: '2026-05-10', cutOffAt: atCutOff, closed: false });
    expect(open.body.payments.map((p) => [p.paymentId, p.status])).toEqual([
      [p1.body.paymentId, 'completed'],
      [p2.body.paymentId, 'reversed'],
    ]);
    expect(open.body.reversals.map((r) => r.paymentId)).toEqual([p2.body.paymentId]);
    expect(open.body.totals).toEqual([
      {
        currency: 'SYP',
        paymentsCount: 2,
        paymentsAmount: syp(170_000),
        reversalsCount: 1,
        reversalsAmount: syp(20_000),
        fees: syp(0),
        net: syp(150_000),
      },
    ]);

    h.setNow(atCutOff);
    const closed = await h.send<SettlementResponse>('GET', '/v1/settlements/2026-05-10');
    expect(closed.body.closed).toBe(true);
    // A payment after the cut-off counts in the next day.
    const late = await h.issueBill();
    const p3 = await h.send<PaymentNotificationResponse>('POST', '/v1/payments', { body: aPayment(late) });
    expect(p3.body.receiptNo).toMatch(/^RC-20260511-/);
    const next = await h.send<SettlementResponse>('GET', '/v1/settlements/2026-05-11');
    expect(next.body.payments.map((p) => p.paymentId)).toEqual([p3.body.paymentId]);
  });

  it('is for channels only, and refuses an impossible date with 400', async () => {
    expect((await h.send('GET', '/v1/settlements/2026-05-10', { as: 'citizen-portal' })).status).toBe(403);
    const bad = await h.send('GET', '/v1/settlements/2026-02-30');
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('invalid_request');
  });
});
