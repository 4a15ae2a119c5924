import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AnyEvent, BillSnapshot, ErrorBody, IntentResponse, PaymentNotificationResponse } from '@gateway/contracts';
import { testLogger, waitFor } from '@gateway/testkit';
import { createIntentExpirySweeper } from '../src/jobs/intent-expiry.sweeper.ts';
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

const intentBody = (bill: BillSnapshot, overrides: Record<string, unknown> = {}) => ({
  billerId: bill.billerId,
  accountNo: bill.accountNo,
  billIds: [bill.billId],
  amount: bill.amountDue,
  channelId: 'wallet-one',
  payer: walletPayer,
  ...overrides,
});

async function createIntent(bill: BillSnapshot, overrides: Record<string, unknown> = {}): Promise<IntentResponse> {
  const res = await h.send<IntentResponse>('POST', '/v1/payment-intents', { body: intentBody(bill, overrides) });
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
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'invalid_state', details: { status: 'processing' } });

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
    expect(confirm.status).toBe(409);
    expect(confirm.body.error).toMatchObject({ code: 'invalid_state', details: { status: 'canceled' } });

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

  const channelPayment = (bill: BillSnapshot, channelTxnId: string) =>
    h.send<PaymentNotificationResponse>('POST', '/v1/payments', {
      as: 'wallet-one',
      body: { channelTxnId, billerId: bill.billerId, accountNo: bill.accountNo, billIds: [bill.billId], amount: bill.amountDue, paidAt: h.clock().toISOString() },
    });

  it('cancels an intent whose debit was not sent yet when a channel payment settles its bill: the command never leaves the outbox', async () => {
    await h.relay.stop();
    let bill: BillSnapshot;
    let intent: IntentResponse;
    try {
      bill = await h.issueBill();
      intent = await createIntent(bill);
      expect(await types(intent.intentId)).toContain('channel.debit-requested');
      // The wallet's own payment is taken (its customer is already debited) ...
      const paid = await channelPayment(bill, 'W1-SUP-1');
      expect(paid.status).toBe(201);
      // ... and the intent will not debit the payer a second time: canceled, its command deleted unsent.
      const after = (await h.send<IntentResponse>('GET', `/v1/payment-intents/${intent.intentId}`)).body;
      expect(after.status).toBe('canceled');
      expect(await types(intent.intentId)).toEqual(['intent.created', 'intent.canceled']);
      expect((await h.outbox(intent.intentId))[1]!.payload).toMatchObject({ reason: expect.stringContaining(paid.body.paymentId) });
      expect(await h.count('intent_bills', 'bill_id = $1 AND held', [bill.billId])).toBe(0);
    } finally {
      h.relay.start();
    }
    // Another intent's command goes out after the relay is back; the canceled one's never does.
    const other = await h.issueBill();
    const marker = await createIntent(other);
    await h.commands.expectEvent(forIntent(marker.intentId, 'channel.debit-requested'));
    expect(h.commands.messages.filter((m) => m.event?.key === intent.intentId)).toEqual([]);
  });

  it('cancels an intent waiting for the OTP when a channel payment settles its bill: the OTP is never forwarded', async () => {
    const bill = await h.issueBill();
    const intent = await createIntent(bill);
    await h.publishResult('channel.otp-required', intent, { reason: 'initial', attemptsLeft: 3 });
    await h.waitForStatus(intent.intentId, 'requires_confirmation');
    expect((await channelPayment(bill, 'W1-SUP-2')).status).toBe(201);
    expect((await h.send<IntentResponse>('GET', `/v1/payment-intents/${intent.intentId}`)).body.status).toBe('canceled');
    // The portal's confirm is refused (a 4xx; the code is the confirm route's for a canceled intent).
    const confirm = await h.send<ErrorBody>('POST', `/v1/payment-intents/${intent.intentId}/confirm`, { body: { otp: '123456' } });
    expect(confirm.status).toBeGreaterThanOrEqual(400);
    expect(confirm.status).toBeLessThan(500);
    expect(h.commands.messages.filter((m) => m.event?.type === 'channel.otp-submitted' && m.event.key === intent.intentId)).toEqual([]);
  });

  it('gives back automatically a debit that was already sent when a channel payment settled the bill: refund command, refunded, SMS event', async () => {
    const bill = await h.issueBill();
    const intent = await createIntent(bill);
    // The command has left: the debit may be at the channel, so the intent is left to its outcome.
    await h.commands.expectEvent(forIntent(intent.intentId, 'channel.debit-requested'));
    expect((await channelPayment(bill, 'W1-CH-1')).status).toBe(201);
    expect((await h.send<IntentResponse>('GET', `/v1/payment-intents/${intent.intentId}`)).body.status).toBe('processing');

    // The debit lands: it bought nothing (the bill is paid), so it is given back, with no person involved.
    await h.publishResult('channel.debit-succeeded', intent, { channelTxnId: 'W1-DUP-2', amount: intent.amount });
    const refund = await h.commands.expectEvent(forIntent(intent.intentId, 'channel.refund-requested'));
    expect(refund.payload).toMatchObject({ channelTxnId: 'W1-DUP-2', amount: intent.amount, reference: intent.intentId, reason: expect.stringContaining('bill_already_paid') });
    const canceled = await h.waitForStatus(intent.intentId, 'canceled');
    expect(canceled.refund).toMatchObject({ status: 'requested', amount: intent.amount });
    // The same debit reported again (a status request's answer) asks for nothing more.
    await h.publishResult('channel.debit-succeeded', intent, { channelTxnId: 'W1-DUP-2', amount: intent.amount });

    await h.publishResult('channel.refund-succeeded', intent, { channelTxnId: 'W1-DUP-2', amount: intent.amount, reversalId: 'W1-REV-1', refundedAt: h.clock().toISOString() });
    const refunded = await h.intents.expectEvent(forIntent(intent.intentId, 'intent.refunded'));
    expect(refunded.payload).toMatchObject({ refunded: intent.amount, channelTxnId: 'W1-DUP-2', reversalId: 'W1-REV-1', payer: walletPayer });
    const view = (await h.send<IntentResponse>('GET', `/v1/payment-intents/${intent.intentId}`)).body;
    expect(view).toMatchObject({ status: 'canceled', refund: { status: 'succeeded', refundedAt: expect.any(String) } });
    expect(await h.count('intent_reconciliation', 'intent_id = $1', [intent.intentId])).toBe(0);
    expect(await h.count('payments', 'intent_id = $1', [intent.intentId])).toBe(0);
    expect((await types(intent.intentId)).filter((t) => t === 'channel.refund-requested')).toHaveLength(1);
  });

  it('puts a refund the channel refuses in the reconciliation queue, with why', async () => {
    const bill = await h.issueBill();
    const intent = await createIntent(bill);
    await h.commands.expectEvent(forIntent(intent.intentId, 'channel.debit-requested'));
    expect((await channelPayment(bill, 'W1-CH-3')).status).toBe(201);
    await h.publishResult('channel.debit-succeeded', intent, { channelTxnId: 'W1-DUP-3', amount: intent.amount });
    await h.commands.expectEvent(forIntent(intent.intentId, 'channel.refund-requested'));
    await h.publishResult('channel.refund-failed', intent, { channelTxnId: 'W1-DUP-3', message: 'The channel refused the reversal (422).', channelCode: 'reversal_refused', failedAt: h.clock().toISOString() });
    const queued = await h.intents.expectEvent(forIntent(intent.intentId, 'intent.reconciliation-required'));
    expect(queued.payload).toMatchObject({ status: 'canceled', reason: expect.stringContaining('refund_refused') });
    const { rows } = await h.db.pool.query('SELECT reason, money_moved, channel_txn_id, amount, detail FROM intent_reconciliation WHERE intent_id = $1', [intent.intentId]);
    expect(rows).toEqual([{ reason: 'refund_refused', money_moved: 'yes', channel_txn_id: 'W1-DUP-3', amount: 150000, detail: expect.stringContaining('reversal_refused') }]);
    expect((await h.send<IntentResponse>('GET', `/v1/payment-intents/${intent.intentId}`)).body.refund?.status).toBe('refused');
  });

  it('refuses a second intent for a bill an open intent holds: of two concurrent creations one is created, the other is 409 naming it', async () => {
    const bill = await h.issueBill();
    const body = intentBody(bill);
    // Hold the bill's row so both creations (different keys: two taps, two tabs) are inside their
    // transactions and waiting on it at once; then let them go and see which one wins.
    const gate = await h.db.pool.connect();
    await gate.query('BEGIN');
    await gate.query('SELECT 1 FROM payable_bills WHERE bill_id = $1 FOR UPDATE', [bill.billId]);
    const racing = Promise.all([h.send<unknown>('POST', '/v1/payment-intents', { body }), h.send<unknown>('POST', '/v1/payment-intents', { body })]);
    try {
      await waitFor(
        async () => {
          const { rows } = await h.db.pool.query<{ n: number }>(
            // The bills are locked by a server-prepared statement (pg-payment-store.ts): its EXECUTE names it.
            `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%orchestration_lock_account_bills%'`,
          );
          return rows[0]!.n >= 2 ? true : undefined;
        },
        { message: 'both creations to wait on the bill' },
      );
    } finally {
      await gate.query('COMMIT');
      gate.release();
    }
    const replies = await racing;
    expect(replies.map((r) => r.status).sort()).toEqual([201, 409]);
    const created = replies.find((r) => r.status === 201)!.body as IntentResponse;
    const refused = replies.find((r) => r.status === 409)!.body as ErrorBody;
    expect(refused.error).toMatchObject({
      code: 'bill_payment_in_progress',
      message: expect.stringContaining(created.intentId),
      details: { billId: bill.billId, intentId: created.intentId, status: 'processing' },
    });
    expect(await h.count('payment_intents', 'account_no = $1', [bill.accountNo])).toBe(1);
    expect(await h.count('outbox', `payload->>'type' = 'channel.debit-requested' AND payload->'payload'->>'accountNo' = $1`, [bill.accountNo])).toBe(1);
    await h.commands.expectEvent(forIntent(created.intentId, 'channel.debit-requested'));

    // The refusal is an answer like any other: stored under its key and replayed.
    const again = await h.send<ErrorBody>('POST', '/v1/payment-intents', { body, idempotencyKey: 'second-tap' });
    const replay = await h.send<ErrorBody>('POST', '/v1/payment-intents', { body, idempotencyKey: 'second-tap' });
    expect(again.status).toBe(409);
    expect(replay.payload).toBe(again.payload);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    // Another client (the payer's USSD session) is refused too, without the id of an intent it cannot see.
    const ussd = await h.send<ErrorBody>('POST', '/v1/payment-intents', { as: 'other-portal', body });
    expect(ussd.status).toBe(409);
    expect(ussd.body.error.code).toBe('bill_payment_in_progress');
    expect(ussd.body.error.details).toEqual({ billId: bill.billId });

    expect(h.commands.messages.filter((m) => m.event?.type === 'channel.debit-requested' && (m.event.payload as { accountNo?: string }).accountNo === bill.accountNo)).toHaveLength(1);
  });

  it('releases the bills when the intent ends: after a decline, a cancel or a success the next intent is judged on the bill alone', async () => {
    const bill = await h.issueBill();
    const first = await createIntent(bill);
    expect((await h.send<ErrorBody>('POST', '/v1/payment-intents', { body: intentBody(bill) })).status).toBe(409);
    await h.publishResult('channel.debit-failed', first, { reason: 'insufficient_funds', message: 'The wallet balance is too low', channelCode: 'E51' });
    await h.waitForStatus(first.intentId, 'failed');

    const second = await createIntent(bill);
    await h.publishResult('channel.otp-required', second, { reason: 'initial', attemptsLeft: 3 });
    await h.waitForStatus(second.intentId, 'requires_confirmation');
    const blocked = await h.send<ErrorBody>('POST', '/v1/payment-intents', { body: intentBody(bill) });
    expect(blocked.body.error.details).toMatchObject({ intentId: second.intentId, status: 'requires_confirmation' });
    expect((await h.send<IntentResponse>('POST', `/v1/payment-intents/${second.intentId}/cancel`)).body.status).toBe('canceled');

    const third = await createIntent(bill);
    await h.publishResult('channel.debit-succeeded', third, { channelTxnId: 'W1-REL-1', amount: third.amount });
    await h.waitForStatus(third.intentId, 'succeeded');
    // Paid now: the allocation guard answers, not the hold.
    const after = await h.send<ErrorBody>('POST', '/v1/payment-intents', { body: intentBody(bill) });
    expect(after.status).toBe(409);
    expect(after.body.error.code).toBe('bill_already_paid');
    expect(await h.count('intent_bills', 'bill_id = $1 AND held', [bill.billId])).toBe(0);
  });

  it('takes the bills again when a failed intent turns out to have maybe moved money', async () => {
    const bill = await h.issueBill();
    const failed = await createIntent(bill);
    await h.publishResult('channel.debit-failed', failed, { reason: 'declined', message: 'Declined', channelCode: null });
    await h.waitForStatus(failed.intentId, 'failed');
    // The adapter then says the outcome is unknown after all: money may have moved, so no new pull.
    await h.publishResult('channel.debit-unknown', failed, { stage: 'resolving', attempts: 1, lastError: 'late timeout' });
    await h.intents.expectEvent(forIntent(failed.intentId, 'intent.reconciliation-required'));
    const refused = await h.send<ErrorBody>('POST', '/v1/payment-intents', { body: intentBody(bill) });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'bill_payment_in_progress', details: { intentId: failed.intentId, status: 'failed' } });
  });

  it('oldest-first intents hold the bills their quote chose, block each other, and pay exactly those bills', async () => {
    const old = await h.issueBill({ period: { from: '2026-01-01', to: '2026-02-28' }, dueDate: '2026-03-31' });
    const recent = await h.issueBill({ accountNo: old.accountNo, period: { from: '2026-03-01', to: '2026-04-30' }, dueDate: '2026-05-31' });
    const oldestFirst = { ...intentBody(old), billIds: undefined };

    const first = await h.send<IntentResponse>('POST', '/v1/payment-intents', { body: oldestFirst });
    expect(first.status).toBe(201);
    const second = await h.send<ErrorBody>('POST', '/v1/payment-intents', { body: oldestFirst });
    expect(second.status).toBe(409);
    expect(second.body.error).toMatchObject({ code: 'bill_payment_in_progress', details: { billId: old.billId, intentId: first.body.intentId } });
    // Both bills at once, oldest first, touch the held one: refused as well.
    const both = await h.send<ErrorBody>('POST', '/v1/payment-intents', { body: { ...oldestFirst, amount: syp(300_000) } });
    expect(both.body.error).toMatchObject({ code: 'bill_payment_in_progress', details: { billId: old.billId } });
    // The recent bill is free: an intent naming it is taken.
    const other = await createIntent(recent);

    // A channel pays the old bill meanwhile (the first intent's debit already sent). That debit is
    // recorded on the bill it held and nothing else: refused and given back, not moved on to the
    // recent bill the other intent holds.
    await h.commands.expectEvent(forIntent(first.body.intentId, 'channel.debit-requested'));
    const paid = await h.send('POST', '/v1/payments', {
      as: 'wallet-one',
      body: { channelTxnId: 'W1-OLD-1', billerId: old.billerId, accountNo: old.accountNo, billIds: [old.billId], amount: old.amountDue, paidAt: h.clock().toISOString() },
    });
    expect(paid.status).toBe(201);
    await h.publishResult('channel.debit-succeeded', first.body, { channelTxnId: 'W1-OLD-2', amount: first.body.amount });
    const refund = await h.commands.expectEvent(forIntent(first.body.intentId, 'channel.refund-requested'));
    expect(refund.payload).toMatchObject({ channelTxnId: 'W1-OLD-2', reason: expect.stringContaining('bill_already_paid') });
    await h.publishResult('channel.debit-succeeded', other, { channelTxnId: 'W1-REC-1', amount: other.amount });
    const done = await h.waitForStatus(other.intentId, 'succeeded');
    const { rows } = await h.db.pool.query('SELECT bill_id, amount FROM payment_allocations WHERE payment_id = $1', [done.paymentId]);
    expect(rows).toEqual([{ bill_id: recent.billId, amount: 150000 }]);
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
