// Issue 10 item 2 across both services: payment orchestration (its intent harness: routes, relay,
// channel-results consumer) and the bank adapter (its harness: command consumer, pollers, relay) on
// the same command and result topics, against the channel simulator over real HTTP. A channel's own
// payment settles the bill while the intent's debit is already at the bank with no answer; when the
// debit turns out to have succeeded, it is given back at the bank with nobody involved.
import { expect, it } from '@jest/globals';
import type { AnyEvent, IntentResponse, PaymentNotificationResponse } from '@gateway/contracts';
import { payers } from '../../bank-adapter/test/support/adapter-harness.ts';
import { acrossServices, bankIntentLeftUnknown } from './support/across-services.ts';

const both = acrossServices();

const forIntent = (intentId: string, type: string) => (e: AnyEvent) => e.type === type && e.key === intentId;

// Holds the adapter's status inquiries (switched off: refused locally, no attempt used) until the
// wallet has paid; otherwise, on a slow machine, the inquiry can find the debit first and the intent
// pays the bill before the wallet does.
const holdInquiries = () => both.adapter.adapter.gateway.setForcedOff('bank-alpha', { by: 'test', at: new Date().toISOString(), reason: 'hold inquiries until the wallet pays' });
const releaseInquiries = () => both.adapter.adapter.gateway.setForcedOff('bank-alpha', null);

it('a debit already sent when a channel paid the bill is reversed at the bank once it proves to have succeeded: intent canceled and refunded, payer told', async () => {
  const { h, adapter } = both;
  const bank = adapter.simulators['bank-alpha'];
  const payer = payers['bank-alpha'];
  const before = bank.state.balanceOf(payer.accountNo!);
  const bill = await h.issueBill();

  // The bank takes the debit but its reply never comes: the outcome is unknown, the debit in flight.
  const intent = await bankIntentLeftUnknown(both, bill, { dropReplyRate: 1 }, { dropReplyRate: 0 }, holdInquiries);

  // Meanwhile the payer pays the same bill in a wallet's app: taken, and the intent is not canceled
  // (its debit may have happened; the adapter is finding out).
  const paid = await h.send<PaymentNotificationResponse>('POST', '/v1/payments', {
    as: 'wallet-one',
    body: { channelTxnId: 'W1-X-1', billerId: bill.billerId, accountNo: bill.accountNo, billIds: [bill.billId], amount: bill.amountDue, paidAt: h.clock().toISOString() },
  });
  // The whole answer, so a refusal shows its code and message.
  expect({ status: paid.status, body: paid.body }).toMatchObject({ status: 201 });
  releaseInquiries();

  // The adapter's inquiry finds the debit succeeded; its payment is refused (the bill is paid), and
  // the debit goes back to the payer at the bank.
  const refunded = await h.intents.expectEvent(forIntent(intent.intentId, 'intent.refunded'), 20_000);
  expect(refunded.payload).toMatchObject({ status: 'canceled', refunded: intent.amount, payer: { accountNo: payer.accountNo } });
  const txns = await bank.transactions(intent.intentId);
  expect(txns).toEqual([expect.objectContaining({ reference: intent.intentId, status: 'reversed', amount: intent.amount })]);
  expect(bank.state.balanceOf(payer.accountNo!)).toBe(before);

  const view = (await h.send<IntentResponse>('GET', `/v1/payment-intents/${intent.intentId}`)).body;
  expect(view).toMatchObject({ status: 'canceled', refund: { status: 'succeeded', amount: intent.amount } });
  // Nothing in this path needed a person, and the bill was paid once.
  expect(await h.count('intent_reconciliation', 'intent_id = $1', [intent.intentId])).toBe(0);
  expect(await h.count('payment_allocations', 'bill_id = $1', [bill.billId])).toBe(1);
});

it('a refund the bank refuses puts the intent in the reconciliation queue with why; nothing is credited', async () => {
  const { h, adapter } = both;
  const bank = adapter.simulators['bank-alpha'];
  const bill = await h.issueBill();
  const intent = await bankIntentLeftUnknown(both, bill, { dropReplyRate: 1 }, { dropReplyRate: 0, reversalRefusalRate: 1 }, holdInquiries);
  try {
    const paid = await h.send('POST', '/v1/payments', {
      as: 'wallet-one',
      body: { channelTxnId: 'W1-X-2', billerId: bill.billerId, accountNo: bill.accountNo, billIds: [bill.billId], amount: bill.amountDue, paidAt: h.clock().toISOString() },
    });
    expect(paid.status).toBe(201);
    releaseInquiries();
    const queued = await h.intents.expectEvent(forIntent(intent.intentId, 'intent.reconciliation-required'), 20_000);
    expect(queued.payload).toMatchObject({ status: 'canceled', reason: expect.stringContaining('refund_refused') });
  } finally {
    releaseInquiries();
    await bank.control({ reversalRefusalRate: 0 });
  }
  const { rows } = await h.db.pool.query('SELECT reason, money_moved, detail FROM intent_reconciliation WHERE intent_id = $1', [intent.intentId]);
  expect(rows).toEqual([{ reason: 'refund_refused', money_moved: 'yes', detail: expect.stringContaining('reversal_refused') }]);
  expect(await bank.transactions(intent.intentId)).toEqual([expect.objectContaining({ status: 'succeeded' })]);
});
