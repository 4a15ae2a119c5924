// A portal's wallet intent for a government fee order (issue 16) that expires while the payer holds the
// OTP: the confirm is refused with 422 order_expired and the OTP never reaches the channel (no debit);
// a debit that lands anyway after expiry buys nothing and is given back automatically.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AnyEvent, BillSnapshot, ErrorBody, IntentResponse } from '@gateway/contracts';
import { startIntentHarness, syp } from './support/intent-harness.ts';
import type { IntentHarness } from './support/intent-harness.ts';

let h: IntentHarness;
beforeAll(async () => {
  h = await startIntentHarness();
});
afterAll(async () => {
  await h?.close();
});

const payer = { msisdn: '+963944123456' };
const forIntent = (intentId: string, type: string) => (e: AnyEvent) => e.type === type && e.key === intentId;

let sequence = 0;
/** A criminal-record certificate's order, as billing issues it, expiring five minutes from the harness clock. */
function issueOrder(): Promise<BillSnapshot> {
  sequence += 1;
  return h.issueBill({
    billerId: 'civil-registry',
    accountNo: `FO-${String(Date.now() % 1e8).padStart(8, '0')}${String(sequence).padStart(4, '0')}`,
    governorate: null,
    amount: syp(500_000),
    amountDue: syp(500_000),
    minAmount: syp(500_000),
    maxAmount: syp(500_000),
    essential: false,
    holder: { class: 'individual', name: 'Rami Haddad', msisdn: payer.msisdn, entityId: null, locale: 'ar' },
    expiresAt: new Date(h.clock().getTime() + 5 * 60_000).toISOString(),
  });
}

async function intentWaitingForOtp(order: BillSnapshot): Promise<IntentResponse> {
  const res = await h.send<IntentResponse>('POST', '/v1/payment-intents', {
    body: { billerId: 'civil-registry', accountNo: order.accountNo, amount: order.amountDue, channelId: 'wallet-one', payer },
  });
  expect(res.status).toBe(201);
  // Not essential: the fee of fees.json's first tier, approved by the payer with the amount.
  expect(res.body.fee).toEqual(syp(500));
  await h.commands.expectEvent(forIntent(res.body.intentId, 'channel.debit-requested'));
  await h.publishResult('channel.otp-required', res.body, { reason: 'initial', attemptsLeft: 3, otpLength: 6 });
  return h.waitForStatus(res.body.intentId, 'requires_confirmation');
}

describe('fee order intents and expiry', () => {
  it('refuses a confirm after the order expired with 422 order_expired, and sends the channel no OTP', async () => {
    const order = await issueOrder();
    const intent = await intentWaitingForOtp(order);
    h.advance(6 * 60_000);

    const confirm = await h.send<ErrorBody>('POST', `/v1/payment-intents/${intent.intentId}/confirm`, { body: { otp: '123456' } });
    expect(confirm.status).toBe(422);
    expect(confirm.body.error.code).toBe('order_expired');
    // The intent stays as it was (the sweeper ends it at its own expiry); nothing went to the channel.
    expect((await h.send<IntentResponse>('GET', `/v1/payment-intents/${intent.intentId}`)).body.status).toBe('requires_confirmation');
    expect(h.commands.messages.filter((m) => m.event?.type === 'channel.otp-submitted' && m.event.key === intent.intentId)).toEqual([]);
    expect(await h.count('payments', 'intent_id = $1', [intent.intentId])).toBe(0);
  });

  it('ends the intent when the order expires: its expiresAt, and the deadline the channel is given, are the order\'s', async () => {
    const order = await issueOrder();
    const res = await h.send<IntentResponse>('POST', '/v1/payment-intents', {
      body: { billerId: 'civil-registry', accountNo: order.accountNo, amount: order.amountDue, channelId: 'wallet-one', payer },
    });
    expect(res.status).toBe(201);
    // The order expires in 5 minutes, before the intent's own 15.
    expect(res.body.expiresAt).toBe(order.expiresAt);
    const debit = await h.commands.expectEvent(forIntent(res.body.intentId, 'channel.debit-requested'));
    expect(debit.payload).toMatchObject({ expiresAt: order.expiresAt });
  });

  it('gives back a debit that lands after the order expired (confirmed in time, debited late): it pays nothing', async () => {
    const order = await issueOrder();
    const intent = await intentWaitingForOtp(order);
    const confirm = await h.send<IntentResponse>('POST', `/v1/payment-intents/${intent.intentId}/confirm`, { body: { otp: '123456' } });
    expect(confirm.status).toBe(200);
    h.advance(6 * 60_000);

    await h.publishResult('channel.debit-succeeded', intent, { channelTxnId: `W1-LATE-${order.accountNo}`, amount: syp(500_500) });
    const refund = await h.commands.expectEvent(forIntent(intent.intentId, 'channel.refund-requested'));
    expect(refund.payload).toMatchObject({ amount: syp(500_500), reason: expect.stringContaining('order_expired') });
    expect(await h.count('payments', 'intent_id = $1', [intent.intentId])).toBe(0);
  });
});
