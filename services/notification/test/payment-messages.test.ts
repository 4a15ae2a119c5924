// GET /v1/payment-messages: the SMS of one payment (its receipt) with its parts' SMSC ids and delivery
// receipts, over the real pipeline (Kafka in, SMPP to the simulator, receipts back), and nobody else's.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { waitFor } from '@gateway/testkit';
import { v7 as uuidv7 } from 'uuid';
import { billFor, paymentOf } from './support/bill-events.ts';
import { startHarness } from './support/notification-harness.ts';
import type { Harness } from './support/notification-harness.ts';
import { startOperatorApi } from './support/operator-api.ts';
import type { OperatorApi } from './support/operator-api.ts';

type Listed = {
  messages: {
    template: string;
    recipient: string;
    state: string;
    body: string;
    parts: { smscMessageId: string; state: string; receipt: { state: string; receivedAt: string } | null }[];
  }[];
};

let h: Harness;
let api: OperatorApi;
let nextNumber = 500_000;
const aMobile = () => `+963944${String(nextNumber++).padStart(6, '0')}`;

beforeAll(async () => {
  h = await startHarness({ receiptDelayMs: 100 });
  api = await startOperatorApi({ name: 'notification-payment-messages', db: h.db });
});
afterAll(async () => {
  await api?.close();
  await h?.close();
});

describe('GET /v1/payment-messages', () => {
  it('shows the receipt of that payment, delivered, with its parts and their delivery receipts, and not another payment’s SMS to the same number', async () => {
    const to = aMobile();
    const bill = billFor(to);
    // Payment ids as orchestration mints them (the shared fixture's are bare UUIDs).
    const pay = (event: ReturnType<typeof paymentOf>) => ({ ...event, payload: { ...event.payload, paymentId: `pay_${uuidv7()}` } });
    const paid = pay(paymentOf(bill));
    const other = pay(paymentOf(bill));
    await h.deliver([bill, paid, other]);
    const delivered = async (paymentId: string) => (await api.send<Listed>('GET', `/v1/payment-messages?paymentId=${paymentId}`)).body.messages[0]?.state === 'delivered';
    await waitFor(() => delivered(paid.payload.paymentId), { timeoutMs: 30_000, message: 'receipt delivered' });

    const res = await api.send<Listed>('GET', `/v1/payment-messages?paymentId=${paid.payload.paymentId}`);
    expect(res.status).toBe(200);
    expect(res.body.messages).toHaveLength(1);
    const receipt = res.body.messages[0]!;
    expect(receipt).toMatchObject({ template: 'payment_receipt', recipient: to, state: 'delivered' });
    expect(receipt.body).toContain(paid.payload.receiptNo);
    expect(receipt.body).not.toContain(other.payload.receiptNo);
    const atSmsc = (await h.received(to)).find((m) => m.text.includes(paid.payload.receiptNo))!;
    expect(receipt.parts.map((p) => p.smscMessageId)).toEqual(atSmsc.parts.map((p) => p.messageId));
    expect(receipt.parts.every((p) => p.state === 'delivered' && p.receipt?.state === 'delivered')).toBe(true);
  });

  it('refuses a query naming nothing or no payment id (400), a portal (403) and an unsigned caller (401)', async () => {
    for (const path of ['/v1/payment-messages', '/v1/payment-messages?paymentId=1e308']) {
      const res = await api.send('GET', path);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('invalid_request');
    }
    expect((await api.send('GET', '/v1/payment-messages?paymentId=pay_01900000-0000-7000-8000-000000000000', { as: 'portal' })).status).toBe(403);
    expect((await api.send('GET', '/v1/payment-messages?paymentId=pay_01900000-0000-7000-8000-000000000000', { as: 'unsigned' })).status).toBe(401);
  });
});
