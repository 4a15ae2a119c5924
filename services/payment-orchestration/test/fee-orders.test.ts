// Government fee orders (issue 16) at payment orchestration: a fee order's bill (billerId civil-registry,
// accountNo = the orderRef, expiresAt on the snapshot) is presented and paid like any bill, carries the
// fee tiers of fees.json (its services are not essential), is paid once, and past its expiresAt is
// refused with 422 order_expired by the inquiry, a channel's payment and the portal's intent.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { BillersResponse, BillInquiryResponse, BillSnapshot, PaymentNotificationResponse } from '@gateway/contracts';
import { aPayment, startHarness, syp } from './support/harness.ts';
import type { Harness } from './support/harness.ts';

let sequence = 0;
/** An orderRef in billing's format (FO- and 12 uppercase alphanumerics), unique in this file. */
function anOrderRef(): string {
  sequence += 1;
  return `FO-${String(Date.now() % 1e8).padStart(8, '0')}${String(sequence).padStart(4, '0')}`;
}

describe('fee orders at payment orchestration', () => {
  let h: Harness;
  const t0 = '2026-05-10T09:00:00.000Z';
  const expiresAt = '2026-05-13T09:00:00.000Z';

  /** A criminal-record certificate's order as billing issues it: 5,000.00 SYP, whole, not essential, expiring. */
  function issueOrder(overrides: Partial<BillSnapshot> = {}): Promise<BillSnapshot> {
    return h.issueBill({
      billerId: 'civil-registry',
      accountNo: anOrderRef(),
      governorate: null,
      amount: syp(500_000),
      amountDue: syp(500_000),
      minAmount: syp(500_000),
      maxAmount: syp(500_000),
      essential: false,
      period: { from: '2026-05-10', to: '2026-05-10' },
      issueDate: '2026-05-10',
      dueDate: '2026-05-13',
      holder: { class: 'individual', name: 'Rami Haddad', msisdn: '+963944123456', entityId: null, locale: 'ar' },
      expiresAt,
      ...overrides,
    });
  }

  beforeAll(async () => {
    h = await startHarness({ now: t0 });
  });
  afterAll(async () => {
    await h.close();
  });

  it('lists civil-registry as a government biller whose services are not essential', async () => {
    const res = await h.send<BillersResponse>('GET', '/v1/billers');
    const registry = res.body.billers.find((b) => b.billerId === 'civil-registry');
    expect(registry?.kind).toBe('government');
    expect(registry?.services.map((s) => [s.serviceId, s.essential])).toEqual([
      ['civil-documents', false],
      ['criminal-record', false],
    ]);
  });

  it('presents a fee order at GET /v1/bills by its orderRef, with its expiresAt', async () => {
    h.setNow(t0);
    const order = await issueOrder();
    const res = await h.send<BillInquiryResponse>('GET', `/v1/bills?billerId=civil-registry&accountNo=${order.accountNo}`, { as: 'citizen-portal' });
    expect(res.status).toBe(200);
    expect(res.body.accountNo).toBe(order.accountNo);
    expect(res.body.bills).toEqual([
      {
        billId: order.billId,
        period: { from: '2026-05-10', to: '2026-05-10' },
        issueDate: '2026-05-10',
        dueDate: '2026-05-13',
        amountDue: syp(500_000),
        lateFee: syp(0),
        allowPartial: false,
        minAmount: syp(500_000),
        maxAmount: syp(500_000),
        expiresAt,
      },
    ]);
    expect((await h.db.pool.query('SELECT expires_at FROM payable_bills WHERE bill_id = $1', [order.billId])).rows[0]).toEqual({ expires_at: new Date(expiresAt) });
  });

  it('a bank pays a fee order by orderRef with the commission of fees.json, once; a second payment is bill_already_paid', async () => {
    h.setNow(t0);
    const order = await issueOrder();
    const inquiry = await h.send<BillInquiryResponse>('GET', `/v1/bills?billerId=civil-registry&accountNo=${order.accountNo}`);
    const paid = await h.send<PaymentNotificationResponse>('POST', '/v1/payments', {
      body: { ...aPayment(order), billIds: undefined, inquiryRef: inquiry.body.inquiryRef },
    });
    expect(paid.status).toBe(201);
    // Not essential: fees.json's first SYP tier (up to 10,000.00: 5.00 fixed).
    expect(paid.body).toMatchObject({ status: 'completed', amount: syp(500_000), fee: syp(500), allocations: [{ billId: order.billId, amount: syp(500_000) }] });

    const again = await h.send('POST', '/v1/payments', { as: 'wallet-one', body: aPayment(order) });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('bill_already_paid');
    // Paid: no longer offered, and not called expired after its expiry either.
    h.setNow('2026-05-14T00:00:00.000Z');
    const late = await h.send('POST', '/v1/payments', { body: aPayment(order) });
    expect(late.body.error.code).toBe('bill_already_paid');
  });

  it('refuses an expired order with 422 order_expired at inquiry, channel payment and intent creation, from expiresAt on', async () => {
    h.setNow(t0);
    const order = await issueOrder();
    // An inquiry a minute before expiry: its quote is still valid (10 min) when the order expires.
    h.setNow('2026-05-13T08:59:00.000Z');
    const inquiry = await h.send<BillInquiryResponse>('GET', `/v1/bills?billerId=civil-registry&accountNo=${order.accountNo}`);
    expect(inquiry.status).toBe(200);

    h.setNow(expiresAt);
    const asked = await h.send('GET', `/v1/bills?billerId=civil-registry&accountNo=${order.accountNo}`);
    expect(asked.status).toBe(422);
    expect(asked.body.error.code).toBe('order_expired');
    // With the bill named, without it, and with a still-valid quote made before expiry: all refused.
    for (const body of [aPayment(order), { ...aPayment(order), billIds: undefined }, { ...aPayment(order), inquiryRef: inquiry.body.inquiryRef }]) {
      const res = await h.send('POST', '/v1/payments', { body });
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe('order_expired');
    }
    const intent = await h.send('POST', '/v1/payment-intents', {
      as: 'citizen-portal',
      body: { billerId: 'civil-registry', accountNo: order.accountNo, amount: syp(500_000), channelId: 'wallet-one', payer: { msisdn: '+963944123456' } },
    });
    expect(intent.status).toBe(422);
    expect(intent.body.error.code).toBe('order_expired');
    expect(await h.count('payments', 'account_no = $1', [order.accountNo])).toBe(0);
    expect(await h.count('payment_intents', 'account_no = $1', [order.accountNo])).toBe(0);
  });

  it('leaves telecom bills, which carry no expiresAt, payable past any fee order expiry', async () => {
    h.setNow('2026-05-20T00:00:00.000Z');
    const bill = await h.issueBill();
    const res = await h.send<PaymentNotificationResponse>('POST', '/v1/payments', { body: aPayment(bill, { paidAt: '2026-05-19T23:00:00Z' }) });
    expect(res.status).toBe(201);
    expect(res.body.fee).toEqual(syp(0));
  });
});
