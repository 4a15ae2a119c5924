import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AnyEvent, BillSnapshot, ErrorBody, IntentResponse } from '@gateway/contracts';
import { testLogger } from '@gateway/testkit';
import { createIntentExpirySweeper } from '../src/events/intent-expiry.sweeper.ts';
import { graceMs, intentTtlMs, startIntentHarness, syp } from './support/intent-harness.ts';
import type { IntentHarness } from './support/intent-harness.ts';

let h: IntentHarness;

beforeAll(async () => {
  h = await startIntentHarness();
});
afterAll(async () => {
  await h?.close();
});

const walletPayer = { msisdn: '+963944123456' };

async function createIntent(bill: BillSnapshot, overrides: Record<string, unknown> = {}): Promise<IntentResponse> {
  const res = await h.send<IntentResponse>('POST', '/v1/payment-intents', {
    body: { billerId: bill.billerId, accountNo: bill.accountNo, billIds: [bill.billId], amount: bill.amountDue, channelId: 'wallet-one', payer: walletPayer, ...overrides },
  });
  expect(res.status).toBe(201);
  return res.body;
}

const forIntent = (intentId: string, type: string) => (e: AnyEvent) => e.type === type && e.key === intentId;
const types = async (intentId: string) => (await h.outbox(intentId)).map((e) => e.type);

describe('payment intents', () => {
  it('succeeds: debit requested for bills + fee, debit-succeeded records the payment, intent.succeeded and payment.completed emitted', async () => {
    const bill = await h.issueBill();
    const intent = await createIntent(bill);
    expect(intent).toMatchObject({ status: 'processing', amount: syp(150_000), fee: syp(0), channelId: 'wallet-one' });
    expect(intent.intentId).toMatch(/^pi_/);

    const debit = await h.commands.expectEvent(forIntent(intent.intentId, 'channel.debit-requested'));
    expect(debit.payload).toMatchObject({ intentId: intent.intentId, reference: intent.intentId, channelId: 'wallet-one', amount: syp(150_000), payer: { msisdn: walletPayer.msisdn, accountNo: null } });
    await h.intents.expectEvent(forIntent(intent.intentId, 'intent.created'));

    await h.publishResult('channel.debit-succeeded', intent, { channelTxnId: 'W1-OK-1', amount: syp(150_000) });
    const done = await h.waitForStatus(intent.intentId, 'succeeded');
    expect(done.paymentId).toMatch(/^pay_/);
    expect(done.receiptNo).toMatch(/^RC-/);

    const succeeded = await h.intents.expectEvent(forIntent(intent.intentId, 'intent.succeeded'));
    expect(succeeded.payload).toMatchObject({ paymentId: done.paymentId, channelTxnId: 'W1-OK-1' });
    const { rows } = await h.db.pool.query<{ payload: { payload: Record<string, unknown> } }>(
      `SELECT payload FROM outbox WHERE payload->>'type' = 'payment.completed' AND payload->'payload'->>'intentId' = $1`,
      [intent.intentId],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.payload.payload).toMatchObject({ source: 'intent', channelTxnId: 'W1-OK-1', paymentId: done.paymentId, amount: syp(150_000), payerMsisdn: walletPayer.msisdn });
    expect(await types(intent.intentId)).toEqual(['intent.created', 'channel.debit-requested', 'payment.completed', 'intent.succeeded']);
  });

  it('fails on a decline, with the reason for the portal', async () => {
    const intent = await createIntent(await h.issueBill());
    await h.publishResult('channel.debit-failed', intent, { reason: 'insufficient_funds', message: 'The wallet balance is too low', channelCode: 'E51' });
    const failed = await h.waitForStatus(intent.intentId, 'failed');
    expect(failed.lastError).toEqual({ code: 'insufficient_funds', message: 'The wallet balance is too low' });
    expect(failed.paymentId).toBeUndefined();
    await h.intents.expectEvent(forIntent(intent.intentId, 'intent.failed'));
    expect(await h.count('payments', 'intent_id = $1', [intent.intentId])).toBe(0);
  });

  it('takes a wrong OTP, asks again with attempts left, then succeeds on the right one; the OTP is stored nowhere', async () => {
    const intent = await createIntent(await h.issueBill());
    await h.publishResult('channel.otp-required', intent, { reason: 'initial', attemptsLeft: null, otpLength: 6 });
    const waiting = await h.waitForStatus(intent.intentId, 'requires_confirmation');
    expect(waiting.nextAction).toMatchObject({ type: 'otp', otpLength: 6 });

    const wrong = await h.send<IntentResponse>('POST', `/v1/payment-intents/${intent.intentId}/confirm`, { body: { otp: '918273' } });
    expect(wrong.status).toBe(200);
    expect(wrong.body.status).toBe('processing');
    const submitted = await h.commands.expectEvent((e) => e.type === 'channel.otp-submitted' && e.key === intent.intentId);
    expect(submitted.payload).toMatchObject({ otp: '918273', reference: intent.intentId });

    await h.publishResult('channel.otp-required', intent, { reason: 'invalid_otp', attemptsLeft: 2, otpLength: 6 });
    const again = await waitForAttemptsLeft(intent.intentId, 2);
    expect(again.lastError?.code).toBe('invalid_otp');

    const right = await h.send<IntentResponse>('POST', `/v1/payment-intents/${intent.intentId}/confirm`, { body: { otp: '507314' } });
    expect(right.body.status).toBe('processing');
    await h.commands.waitForCount(2, (m) => m.event?.type === 'channel.otp-submitted' && m.key === intent.intentId);
    await h.publishResult('channel.debit-succeeded', intent, { channelTxnId: 'W1-OTP-1', amount: intent.amount });
    await h.waitForStatus(intent.intentId, 'succeeded');
    expect((await h.intents.waitForCount(2, (m) => m.event?.type === 'intent.requires-confirmation' && m.key === intent.intentId)).length).toBe(2);

    for (const otp of ['918273', '507314']) {
      const { rows } = await h.db.pool.query<{ n: number }>(
        `SELECT (SELECT count(*) FROM outbox WHERE payload::text LIKE $1) + (SELECT count(*) FROM idempotency_keys WHERE response_body LIKE $1 OR request_hash LIKE $1)
              + (SELECT count(*) FROM payment_intents p WHERE row_to_json(p)::text LIKE $1) AS n`,
        [`%${otp}%`],
      );
      expect(Number(rows[0]!.n)).toBe(0);
    }
  });

  it('cancels while waiting for the OTP, refuses to cancel while processing, and records a debit that lands after the cancel', async () => {
    const processing = await createIntent(await h.issueBill());
    const refused = await h.send<ErrorBody>('POST', `/v1/payment-intents/${processing.intentId}/cancel`, { body: { reason: 'changed my mind' } });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ code: 'invalid_request', details: { status: 'processing' } });

    const bill = await h.issueBill();
    const intent = await createIntent(bill);
    await h.publishResult('channel.otp-required', intent, { reason: 'initial', attemptsLeft: 3 });
    await h.waitForStatus(intent.intentId, 'requires_confirmation');
    const canceled = await h.send<IntentResponse>('POST', `/v1/payment-intents/${intent.intentId}/cancel`, { body: { reason: 'changed my mind' } });
    expect(canceled.status).toBe(200);
    expect(canceled.body.status).toBe('canceled');
    const event = await h.intents.expectEvent(forIntent(intent.intentId, 'intent.canceled'));
    expect(event.payload).toMatchObject({ reason: 'changed my mind' });
    // Canceling again answers with the canceled intent; confirming is refused.
    expect((await h.send<IntentResponse>('POST', `/v1/payment-intents/${intent.intentId}/cancel`)).body.status).toBe('canceled');
    const confirm = await h.send<ErrorBody>('POST', `/v1/payment-intents/${intent.intentId}/confirm`, { body: { otp: '123456' } });
    expect(confirm.status).toBe(400);
    expect(confirm.body.error.details).toEqual({ status: 'canceled' });

    // The channel debited anyway (say the payer confirmed in the wallet app): money moved, so it is recorded.
    await h.publishResult('channel.debit-succeeded', intent, { channelTxnId: 'W1-LATE-1', amount: intent.amount });
    const late = await h.waitForStatus(intent.intentId, 'succeeded');
    expect(late.paymentId).toMatch(/^pay_/);
  });

  it('expires an intent waiting for the OTP, and sends one without outcome to reconciliation with a status request', async () => {
    const waiting = await createIntent(await h.issueBill());
    await h.publishResult('channel.otp-required', waiting, { reason: 'initial', attemptsLeft: null });
    await h.waitForStatus(waiting.intentId, 'requires_confirmation');
    const silent = await createIntent(await h.issueBill());

    expect(await h.sweeper.sweep()).toBe(0);
    h.advance(intentTtlMs + 1_000);
    try {
      expect(await h.sweeper.sweep()).toBeGreaterThanOrEqual(1);
      const expired = await h.waitForStatus(waiting.intentId, 'failed');
      expect(expired.lastError).toMatchObject({ code: 'expired' });
      await h.intents.expectEvent(forIntent(waiting.intentId, 'intent.failed'));
      expect((await h.send<IntentResponse>('GET', `/v1/payment-intents/${silent.intentId}`)).body.status).toBe('processing');

      h.advance(graceMs);
      expect(await h.sweeper.sweep()).toBeGreaterThanOrEqual(1);
      await h.waitForStatus(silent.intentId, 'unknown');
      const queued = await h.intents.expectEvent(forIntent(silent.intentId, 'intent.reconciliation-required'));
      expect(queued.payload).toMatchObject({ status: 'unknown', reason: expect.stringContaining('expired_without_outcome') });
      const ask = await h.commands.expectEvent(forIntent(silent.intentId, 'channel.status-requested'));
      expect(ask.payload).toMatchObject({ reason: 'reconciliation', reference: silent.intentId });
      expect(await h.count('intent_reconciliation', 'intent_id = $1 AND resolved_at IS NULL', [silent.intentId])).toBe(1);
      // A second pass (or a second instance) queues nothing more.
      await h.sweeper.sweep();
      expect(await h.count('intent_reconciliation', 'intent_id = $1', [silent.intentId])).toBe(1);

      // The channel's answer to the status request settles it, and the queue entry with it.
      await h.publishResult('channel.debit-failed', silent, { reason: 'declined', message: 'No such debit', channelCode: null });
      await h.waitForStatus(silent.intentId, 'failed');
      expect(await h.count('intent_reconciliation', 'intent_id = $1 AND resolved_at IS NOT NULL', [silent.intentId])).toBe(1);
    } finally {
      h.advance(-(intentTtlMs + 1_000 + graceMs));
    }
  });

  it('shares the sweep between two instances without handling an intent twice', async () => {
    const stuck = await Promise.all(Array.from({ length: 6 }, async () => createIntent(await h.issueBill())));
    const other = createIntentExpirySweeper({ pool: h.db.pool, logger: testLogger('other-sweeper'), graceMs, clock: h.clock, topics: h.topics, batchSize: 2 });
    h.advance(intentTtlMs + graceMs + 1_000);
    try {
      const [a, b] = await Promise.all([h.sweeper.sweep(), other.sweep()]);
      expect(a + b).toBeGreaterThanOrEqual(stuck.length);
      for (const intent of stuck) {
        expect(await h.count('intent_reconciliation', 'intent_id = $1', [intent.intentId])).toBe(1);
        expect(await h.count('outbox', `payload->>'type' = 'channel.status-requested' AND payload->>'key' = $1`, [intent.intentId])).toBe(1);
      }
    } finally {
      h.advance(-(intentTtlMs + graceMs + 1_000));
    }
  });

  it('resolves an unknown outcome later, and queues one the adapter gave up on', async () => {
    const resolved = await createIntent(await h.issueBill());
    await h.publishResult('channel.debit-unknown', resolved, { stage: 'resolving', attempts: 1, lastError: 'timeout after 10000 ms' });
    await h.waitForStatus(resolved.intentId, 'unknown');
    const unknownEvent = await h.intents.expectEvent(forIntent(resolved.intentId, 'intent.unknown'));
    expect(unknownEvent.payload).toMatchObject({ lastError: 'timeout after 10000 ms' });
    await h.publishResult('channel.debit-succeeded', resolved, { channelTxnId: 'W1-UNK-1', amount: resolved.amount });
    await h.waitForStatus(resolved.intentId, 'succeeded');
    expect(await types(resolved.intentId)).toEqual(['intent.created', 'channel.debit-requested', 'intent.unknown', 'payment.completed', 'intent.succeeded']);

    const exhausted = await createIntent(await h.issueBill());
    await h.publishResult('channel.debit-unknown', exhausted, { stage: 'resolving', attempts: 1 });
    await h.waitForStatus(exhausted.intentId, 'unknown');
    await h.publishResult('channel.debit-unknown', exhausted, { stage: 'exhausted', attempts: 8, lastError: 'gave up after 8 inquiries' });
    const queued = await h.intents.expectEvent(forIntent(exhausted.intentId, 'intent.reconciliation-required'));
    expect(queued.payload).toMatchObject({ status: 'unknown', attempts: 8, reason: expect.stringContaining('status_inquiry_exhausted') });
    const { rows } = await h.db.pool.query('SELECT reason, money_moved, resolved_at FROM intent_reconciliation WHERE intent_id = $1', [exhausted.intentId]);
    expect(rows).toEqual([{ reason: 'status_inquiry_exhausted', money_moved: 'unknown', resolved_at: null }]);
  });

  it('sends a debit whose payment is refused (bill paid meanwhile) to reconciliation: money moved, nothing lost', async () => {
    const bill = await h.issueBill();
    const first = await createIntent(bill);
    const second = await createIntent(bill);
    await h.publishResult('channel.debit-succeeded', first, { channelTxnId: 'W1-DUP-1', amount: first.amount });
    await h.waitForStatus(first.intentId, 'succeeded');
    await h.publishResult('channel.debit-succeeded', second, { channelTxnId: 'W1-DUP-2', amount: second.amount });
    const queued = await h.intents.expectEvent(forIntent(second.intentId, 'intent.reconciliation-required'));
    expect(queued.payload).toMatchObject({ reason: expect.stringContaining('bill_already_paid') });
    expect((await h.send<IntentResponse>('GET', `/v1/payment-intents/${second.intentId}`)).body.status).toBe('unknown');
    const { rows } = await h.db.pool.query('SELECT reason, money_moved, channel_txn_id, amount FROM intent_reconciliation WHERE intent_id = $1', [second.intentId]);
    expect(rows).toEqual([{ reason: 'payment_refused', money_moved: 'yes', channel_txn_id: 'W1-DUP-2', amount: 150000 }]);
    expect(await h.count('payments', 'intent_id = $1', [second.intentId])).toBe(0);
  });

  it('replays a create with the same key, and refuses the key with another body', async () => {
    const bill = await h.issueBill();
    const body = { billerId: bill.billerId, accountNo: bill.accountNo, amount: bill.amountDue, channelId: 'wallet-one', payer: walletPayer };
    const first = await h.send<IntentResponse>('POST', '/v1/payment-intents', { body, idempotencyKey: 'create-once' });
    const again = await h.send<IntentResponse>('POST', '/v1/payment-intents', { body, idempotencyKey: 'create-once' });
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.payload).toBe(first.payload);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(await h.count('payment_intents', 'account_no = $1', [bill.accountNo])).toBe(1);
    expect(await h.count('outbox', `payload->>'type' = 'channel.debit-requested' AND payload->>'key' = $1`, [first.body.intentId])).toBe(1);
    const other = await h.send<ErrorBody>('POST', '/v1/payment-intents', { body: { ...body, channelId: 'wallet-two' }, idempotencyKey: 'create-once' });
    expect(other.status).toBe(422);
    expect(other.body.error.code).toBe('idempotency_key_reused');
  });

  it('fails fast with 503 channel_unavailable when the breaker is open: no intent, no command; the same key works once it closes', async () => {
    const bill = await h.issueBill();
    await h.db.pool.query(`INSERT INTO channel_health (channel_id, state, changed_at) VALUES ('wallet-two', 'open', now())`);
    const body = { billerId: bill.billerId, accountNo: bill.accountNo, amount: bill.amountDue, channelId: 'wallet-two', payer: walletPayer };
    const res = await h.send<ErrorBody>('POST', '/v1/payment-intents', { body, idempotencyKey: 'breaker-open' });
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('channel_unavailable');
    expect(await h.count('payment_intents', 'account_no = $1', [bill.accountNo])).toBe(0);
    expect(await h.count('outbox', `payload->>'type' = 'channel.debit-requested' AND payload->'payload'->>'accountNo' = $1`, [bill.accountNo])).toBe(0);

    await h.db.pool.query(`UPDATE channel_health SET state = 'closed', changed_at = now() WHERE channel_id = 'wallet-two'`);
    const retry = await h.send<IntentResponse>('POST', '/v1/payment-intents', { body, idempotencyKey: 'breaker-open' });
    expect(retry.status).toBe(201);
  });

  it('checks the request like a payment, and scopes intents to their client', async () => {
    const bill = await h.issueBill();
    const base = { billerId: bill.billerId, accountNo: bill.accountNo, billIds: [bill.billId], amount: bill.amountDue, channelId: 'wallet-one', payer: walletPayer };
    const cases: [Record<string, unknown>, number, string][] = [
      [{ channelId: 'no-such-wallet' }, 400, 'invalid_request'],
      [{ channelId: 'bank-alpha' }, 400, 'invalid_request'], // a bank needs payer.accountNo
      [{ billerId: 'no-such-biller' }, 404, 'biller_not_found'],
      [{ accountNo: '0119999999', billIds: undefined }, 404, 'account_not_found'],
      [{ amount: syp(1) }, 422, 'amount_out_of_range'],
      [{ amount: { amount: 150_000, currency: 'USD' } }, 422, 'currency_mismatch'],
    ];
    for (const [override, status, code] of cases) {
      const res = await h.send<ErrorBody>('POST', '/v1/payment-intents', { body: { ...base, ...override } });
      expect({ override, status: res.status, code: res.body.error?.code }).toEqual({ override, status, code });
    }
    const channel = await h.send<ErrorBody>('POST', '/v1/payment-intents', { as: 'wallet-one', body: base });
    expect(channel.status).toBe(403);

    const intent = await createIntent(bill);
    expect((await h.send<ErrorBody>('GET', `/v1/payment-intents/${intent.intentId}`, { as: 'other-portal' })).status).toBe(404);
    expect((await h.send<ErrorBody>('POST', `/v1/payment-intents/${intent.intentId}/cancel`, { as: 'other-portal' })).status).toBe(404);
    expect((await h.send<ErrorBody>('GET', `/v1/payment-intents/${intent.intentId}`, { as: 'unsigned' })).status).toBe(401);
    expect((await h.send<IntentResponse>('GET', `/v1/payment-intents/${intent.intentId}`)).body).toMatchObject({ intentId: intent.intentId, status: 'processing', channelId: 'wallet-one', amount: syp(150_000) });
  });
});

async function waitForAttemptsLeft(intentId: string, attemptsLeft: number): Promise<IntentResponse> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const body = (await h.send<IntentResponse>('GET', `/v1/payment-intents/${intentId}`)).body;
    if (body.status === 'requires_confirmation' && body.nextAction?.attemptsLeft === attemptsLeft) return body;
    if (Date.now() > deadline) throw new Error(`intent ${intentId} never asked again with ${attemptsLeft} attempts left: ${JSON.stringify(body)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
