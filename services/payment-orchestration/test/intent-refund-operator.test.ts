// POST /v1/payment-intents/{id}/refund (issue 15): an operator gives back a debit that bought nothing,
// through the same machinery as the automatic refund (channel.refund-requested, the bank adapter's
// reversal with its unknown-outcome inquiry, the refund results on the intent). Both services'
// harnesses on the same topics, against the channel simulator over real HTTP.
//
// The intent an operator refunds is one the pre-issue-10 code left behind: its debit landed at the
// bank, its payment was refused (a wallet paid the bill meanwhile), and it was flagged payment_refused
// with no refund. Today's code refunds those automatically, so the test makes one the real way (the
// debit really succeeds at the bank and the adapter knows it) and then turns the automatic refund,
// still unsent in the outbox, back into that older record.
import { describe, expect, it, jest } from '@jest/globals';
import type { AnyEvent, ErrorBody, IntentResponse } from '@gateway/contracts';
import { waitFor } from '@gateway/testkit';
import { randomUUID } from 'node:crypto';
import { payers } from '../../bank-adapter/test/support/adapter-harness.ts';
import { acrossServices, bankIntentLeftUnknown } from './support/across-services.ts';

// Each test waits on both services and the bank several times; a loaded machine needs more than the default.
jest.setTimeout(180_000);

const both = acrossServices();

const forIntent = (intentId: string, type: string) => (e: AnyEvent) => e.type === type && e.key === intentId;
const holdInquiries = () => both.adapter.adapter.gateway.setForcedOff('bank-alpha', { by: 'test', at: new Date().toISOString(), reason: 'hold inquiries until the wallet pays' });
const releaseInquiries = () => both.adapter.adapter.gateway.setForcedOff('bank-alpha', null);

/** A bank-alpha intent whose debit succeeded at the bank, flagged payment_refused with no refund (see above). */
async function refusedWithoutRefund(): Promise<{ intent: IntentResponse; channelTxnId: string }> {
  const { h } = both;
  const bill = await h.issueBill();
  const intent = await bankIntentLeftUnknown(both, bill, { dropReplyRate: 1 }, { dropReplyRate: 0 }, holdInquiries);
  const paid = await h.send('POST', '/v1/payments', {
    as: 'wallet-one',
    body: { channelTxnId: `W1-R-${randomUUID()}`, billerId: bill.billerId, accountNo: bill.accountNo, billIds: [bill.billId], amount: bill.amountDue, paidAt: h.clock().toISOString() },
  });
  expect(paid.status).toBe(201);
  // The automatic refund must stay in the outbox while it is turned into the older record.
  await h.relay.stop();
  try {
    releaseInquiries();
    const row = await waitFor(async () => {
      const { rows } = await h.db.pool.query<{ channel_txn_id: string }>("SELECT channel_txn_id FROM payment_intents WHERE intent_id = $1 AND refund_status = 'requested'", [intent.intentId]);
      return rows[0];
    }, { timeoutMs: 45_000, message: 'the debit found and its payment refused' });
    const client = await h.db.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query("DELETE FROM outbox WHERE key = $1 AND published_at IS NULL AND payload->>'type' = 'channel.refund-requested'", [intent.intentId]);
      await client.query(
        `UPDATE payment_intents SET status = 'unknown', channel_txn_id = NULL, refund_status = NULL, refund_requested_at = NULL,
           reconciliation_reason = 'payment_refused', reconciliation_detail = 'The payer was debited but the payment was refused: bill_already_paid', reconciliation_since = now()
         WHERE intent_id = $1`,
        [intent.intentId],
      );
      await client.query(
        `INSERT INTO intent_reconciliation (intent_id, channel_id, reason, detail, status, money_moved, channel_txn_id, amount, currency)
         VALUES ($1, 'bank-alpha', 'payment_refused', 'bill_already_paid', 'unknown', 'yes', $2, $3, $4)`,
        [intent.intentId, row.channel_txn_id, intent.amount.amount, intent.amount.currency],
      );
      await client.query('COMMIT');
    } finally {
      client.release();
    }
    expect(await h.count('outbox', "key = $1 AND payload->>'type' = 'channel.refund-requested'", [intent.intentId])).toBe(0);
    return { intent, channelTxnId: row.channel_txn_id };
  } finally {
    releaseInquiries();
    h.relay.start();
  }
}

const refund = (intentId: string, options: { as?: 'operator' | 'portal' | 'wallet-one'; key?: string; reason?: string } = {}) =>
  both.h.send<IntentResponse & ErrorBody>('POST', `/v1/payment-intents/${intentId}/refund`, {
    as: options.as ?? 'operator',
    person: 'alice',
    body: { reason: options.reason ?? 'payment refused: bill paid by a wallet' },
    ...(options.key !== undefined ? { idempotencyKey: options.key } : {}),
  });

describe('POST /v1/payment-intents/{id}/refund', () => {
  it('gives back a refused debit at the bank: 202 requested, then the money is back (simulator /transactions), the view shows succeeded, audited with the person', async () => {
    const { h, adapter } = both;
    const bank = adapter.simulators['bank-alpha'];
    const payer = payers['bank-alpha'];
    const { intent, channelTxnId } = await refusedWithoutRefund();
    const debited = bank.state.balanceOf(payer.accountNo!);

    const res = await refund(intent.intentId);
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ intentId: intent.intentId, status: 'canceled', refund: { status: 'requested', amount: intent.amount } });

    const refunded = await h.intents.expectEvent(forIntent(intent.intentId, 'intent.refunded'), 45_000);
    expect(refunded.payload).toMatchObject({ refunded: intent.amount, channelTxnId });
    expect(await bank.transactions(intent.intentId)).toEqual([expect.objectContaining({ reference: intent.intentId, status: 'reversed', amount: intent.amount })]);
    expect(bank.state.balanceOf(payer.accountNo!)).toBe(debited + intent.amount.amount);
    const view = (await h.send<IntentResponse>('GET', `/v1/payment-intents/${intent.intentId}`)).body;
    expect(view).toMatchObject({ status: 'canceled', refund: { status: 'succeeded', amount: intent.amount, refundedAt: expect.any(String) } });

    const { rows } = await h.db.pool.query('SELECT actor, action, detail FROM audit_log WHERE target = $1', [intent.intentId]);
    expect(rows).toEqual([
      { actor: expect.stringMatching(/^operator-.+\/alice$/), action: 'intent.refund', detail: { reason: 'payment refused: bill paid by a wallet', channelTxnId, amount: intent.amount } },
    ]);
  });

  it('a reversal whose reply is lost is resolved by the adapter’s inquiry: requested, then succeeded, reversed once', async () => {
    const { h, adapter } = both;
    const bank = adapter.simulators['bank-alpha'];
    const { intent } = await refusedWithoutRefund();
    await bank.control({ dropReplyRate: 1 });
    try {
      const res = await refund(intent.intentId);
      expect(res.status).toBe(202);
      // The bank reversed it but the adapter heard nothing: the refund is still requested.
      await waitFor(async () => (await bank.transactions(intent.intentId)).find((t) => t.status === 'reversed'), { timeoutMs: 45_000, message: 'the bank reverses the debit' });
      expect((await h.send<IntentResponse>('GET', `/v1/payment-intents/${intent.intentId}`)).body.refund?.status).toBe('requested');
    } finally {
      await bank.control({ dropReplyRate: 0 });
    }
    await h.intents.expectEvent(forIntent(intent.intentId, 'intent.refunded'), 45_000);
    const view = (await h.send<IntentResponse>('GET', `/v1/payment-intents/${intent.intentId}`)).body;
    expect(view.refund).toMatchObject({ status: 'succeeded', amount: intent.amount });
    expect(await bank.transactions(intent.intentId)).toEqual([expect.objectContaining({ status: 'reversed' })]);
  });

  it('a replay answers the same, and a concurrent double request under two keys makes one refund', async () => {
    const { h, adapter } = both;
    const bank = adapter.simulators['bank-alpha'];
    const { intent } = await refusedWithoutRefund();
    const [a, b] = await Promise.all([refund(intent.intentId, { key: 'op-a' }), refund(intent.intentId, { key: 'op-b' })]);
    expect([a.status, b.status].sort()).toEqual([200, 202]);
    expect(a.body.refund?.requestedAt).toBe(b.body.refund?.requestedAt);
    const replay = await refund(intent.intentId, { key: 'op-a' });
    expect(replay.status).toBe(a.status);
    expect(replay.body).toEqual(a.body);
    const otherBody = await refund(intent.intentId, { key: 'op-a', reason: 'another reason' });
    expect(otherBody.status).toBe(422);

    await h.intents.expectEvent(forIntent(intent.intentId, 'intent.refunded'), 45_000);
    expect(await h.count('outbox', "key = $1 AND payload->>'type' = 'channel.refund-requested'", [intent.intentId])).toBe(1);
    expect(await h.count('audit_log', "target = $1 AND action = 'intent.refund'", [intent.intentId])).toBe(1);
    expect(await bank.transactions(intent.intentId)).toEqual([expect.objectContaining({ status: 'reversed' })]);
    // Asked again after it succeeded: the existing refund, nothing new.
    const later = await refund(intent.intentId);
    expect(later.status).toBe(200);
    expect(later.body.refund).toMatchObject({ status: 'succeeded' });
    expect(await h.count('outbox', "key = $1 AND payload->>'type' = 'channel.refund-requested'", [intent.intentId])).toBe(1);
  });

  it('refuses an intent whose debit bought its bills (409 invalid_state with status and reason), a non-operator (403) and an unknown intent (404)', async () => {
    const { h } = both;
    const bill = await h.issueBill();
    const created = await h.send<IntentResponse>('POST', '/v1/payment-intents', {
      body: { billerId: bill.billerId, accountNo: bill.accountNo, billIds: [bill.billId], amount: bill.amountDue, channelId: 'bank-alpha', payer: { accountNo: payers['bank-alpha'].accountNo } },
    });
    expect(created.status).toBe(201);
    await h.waitForStatus(created.body.intentId, 'succeeded', 45_000);

    const res = await refund(created.body.intentId);
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'invalid_state', details: { status: 'succeeded', reason: null } });

    for (const as of ['portal', 'wallet-one'] as const) {
      const forbidden = await refund(created.body.intentId, { as });
      expect(forbidden.status).toBe(403);
      expect(forbidden.body.error.code).toBe('forbidden');
    }
    const missing = await refund(`int_${randomUUID()}`);
    expect(missing.status).toBe(404);
    expect(await h.count('outbox', "key = $1 AND payload->>'type' = 'channel.refund-requested'", [created.body.intentId])).toBe(0);
    expect(await h.count('audit_log', "target = $1 AND action = 'intent.refund'", [created.body.intentId])).toBe(0);
  });

  it('refuses an intent in the queue for another reason (amount_mismatch): 409 with that reason, nothing sent', async () => {
    const { h } = both;
    const bill = await h.issueBill();
    const created = await h.send<IntentResponse>('POST', '/v1/payment-intents', {
      body: { billerId: bill.billerId, accountNo: bill.accountNo, billIds: [bill.billId], amount: bill.amountDue, channelId: 'wallet-one', payer: { msisdn: payers['wallet-one'].msisdn } },
    });
    expect(created.status).toBe(201);
    await h.publishResult('channel.debit-succeeded', created.body, {
      channelTxnId: `W1-M-${randomUUID()}`,
      amount: { amount: (bill.amountDue.amount + 1) as typeof bill.amountDue.amount, currency: bill.amountDue.currency },
      debitedAt: h.clock().toISOString(),
    });
    await h.intents.expectEvent(forIntent(created.body.intentId, 'intent.reconciliation-required'), 45_000);
    const res = await refund(created.body.intentId);
    expect(res.status).toBe(409);
    // The wallet's own answers to the real debit race the planted one, so the status is read, not assumed.
    const { status } = (await h.send<IntentResponse>('GET', `/v1/payment-intents/${created.body.intentId}`)).body;
    expect(res.body.error).toMatchObject({ code: 'invalid_state', details: { status, reason: 'amount_mismatch' } });
    expect(await h.count('outbox', "key = $1 AND payload->>'type' = 'channel.refund-requested'", [created.body.intentId])).toBe(0);
  });
});
