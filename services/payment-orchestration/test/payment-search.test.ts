// The operators' "find a payment" routes: GET /v1/payment-search by every identifier an agent may be
// told, and GET /v1/payment-timeline/{id} (the request, allocations, reversal, published events).
// Operators only: a channel never searches another channel's payments.
import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { PaymentNotificationResponse } from '@gateway/contracts';
import { aPayment, startHarness } from './support/harness.ts';
import type { Harness } from './support/harness.ts';

type Summary = { kind: string; paymentId: string | null; intentId: string | null; receiptNo: string | null; accountNo: string; status: string; at: string };
type Search = { results: Summary[] };

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ now: '2026-05-10T09:00:00Z' });
});
afterAll(async () => {
  await h?.close();
});

/** A mobile no other test of this run uses, in its national form (09…). */
function aMobile(): string {
  return `09${String(randomInt(30_000_000, 99_999_999))}`;
}

async function payABill(holderMsisdn: string | null = null) {
  const bill = await h.issueBill(holderMsisdn === null ? {} : { holder: { class: 'individual', name: null, msisdn: holderMsisdn, entityId: null, locale: 'ar' } });
  const body = aPayment(bill);
  const res = await h.send<PaymentNotificationResponse>('POST', '/v1/payments', { body });
  expect(res.status).toBe(201);
  return { bill, body, paid: res.body };
}

const search = (query: string) => h.send<Search>('GET', query === '' ? '/v1/payment-search' : `/v1/payment-search?${query}`, { as: 'operator-console' });

describe('GET /v1/payment-search', () => {
  it('finds a payment by its receipt number, channelTxnId, payment id and account number', async () => {
    const { bill, body, paid } = await payABill();
    for (const query of [
      `receiptNo=${paid.receiptNo}`,
      `channelTxnId=${body.channelTxnId}`,
      `paymentId=${paid.paymentId}`,
      `accountNo=${bill.accountNo}`,
    ]) {
      const res = await search(query);
      expect(res.status).toBe(200);
      expect(res.body.results).toEqual([expect.objectContaining({ kind: 'payment', paymentId: paid.paymentId, receiptNo: paid.receiptNo, accountNo: bill.accountNo, status: 'completed' })]);
    }
  });

  it('finds by the subscriber number in any spelling: the bill holder’s (E.164, a payment) and the payer’s of an intent', async () => {
    const holder = aMobile();
    const byHolder = await payABill(`+963${holder.slice(1)}`);
    for (const spelling of [holder, `00963${holder.slice(1)}`, `%2B963${holder.slice(1)}`]) {
      const res = await search(`msisdn=${spelling}`);
      expect(res.body.results.map((r) => r.paymentId)).toEqual([byHolder.paid.paymentId]);
    }
    const payer = aMobile();
    const bill = await h.issueBill();
    const created = await h.send<{ intentId: string }>('POST', '/v1/payment-intents', {
      as: 'citizen-portal',
      body: { billerId: bill.billerId, accountNo: bill.accountNo, amount: bill.amountDue, channelId: 'wallet-one', payer: { msisdn: payer } },
    });
    expect(created.status).toBe(201);
    for (const query of [`msisdn=%2B963${payer.slice(1)}`, `intentId=${created.body.intentId}`]) {
      const res = await search(query);
      expect(res.body.results).toEqual([expect.objectContaining({ kind: 'intent', intentId: created.body.intentId, paymentId: null, receiptNo: null })]);
    }
  });

  it('answers an empty list for an identifier nobody used', async () => {
    const res = await search('receiptNo=RC-19990101-000001');
    expect(res).toMatchObject({ status: 200, body: { results: [] } });
  });

  it('refuses no identifier, two identifiers, a receipt number or id of another shape, or a number that is not a mobile (400 invalid_request)', async () => {
    for (const query of ['', 'receiptNo=a&paymentId=b', 'msisdn=0112345678', 'limit=500&receiptNo=RC-20260510-000001', 'receiptNo=1e308', 'paymentId=pay_nobody']) {
      const res = await search(query);
      expect(res.status).toBe(400);
      expect((res.body as unknown as { error: { code: string } }).error.code).toBe('invalid_request');
    }
  });

  it('refuses a channel client (403 forbidden): it would see other channels’ payments', async () => {
    const { paid } = await payABill();
    const res = await h.send('GET', `/v1/payment-search?receiptNo=${paid.receiptNo}`, { as: 'bank-alpha' });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('forbidden');
  });
});

describe('GET /v1/payment-timeline/{id}', () => {
  it('gives the payment as requested, its allocations, its reversal and the events it published', async () => {
    const { bill, body, paid } = await payABill();
    const reversed = await h.send('POST', `/v1/payments/${paid.paymentId}/reversals`, { body: { reason: 'customer_dispute' } });
    expect(reversed.status).toBeLessThan(300);
    const res = await h.send<{
      payment: { paymentId: string; receiptNo: string; channelTxnId: string; status: string; allocations: { billId: string; amount: { amount: number } }[]; reversal: { reason: string } | null };
      intent: unknown;
      events: { type: string; topic: string; createdAt: string }[];
    }>('GET', `/v1/payment-timeline/${paid.paymentId}`, { as: 'operator-console' });
    expect(res.status).toBe(200);
    expect(res.body.payment).toMatchObject({
      paymentId: paid.paymentId,
      receiptNo: paid.receiptNo,
      channelTxnId: body.channelTxnId,
      status: 'reversed',
      allocations: [{ billId: bill.billId, amount: { amount: bill.amountDue.amount } }],
      reversal: { reason: 'customer_dispute' },
    });
    expect(res.body.intent).toBeNull();
    expect(res.body.events.map((e) => e.type)).toEqual(['payment.completed', 'payment.reversed']);
  });

  it('is a 404 for an id that is neither a payment nor an intent, and a 403 for a channel', async () => {
    expect((await h.send('GET', '/v1/payment-timeline/pay_nobody', { as: 'operator-console' })).status).toBe(404);
    const { paid } = await payABill();
    const res = await h.send('GET', `/v1/payment-timeline/${paid.paymentId}`, { as: 'bank-alpha' });
    expect(res.status).toBe(403);
  });
});
