// GET /v1/bills and the read model behind it: open bills with the amount due now, a masked holder
// name, an inquiryRef honoured across a late fee until it expires, and the read model's revision,
// settlement and reopening rules.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { BillInquiryResponse, PaymentNotificationResponse } from '@gateway/contracts';
import { anEvent } from '@gateway/testkit';
import { aPayment, startHarness, syp } from './support/harness.ts';
import type { Harness } from './support/harness.ts';

describe('bill inquiry', () => {
  let h: Harness;
  const t0 = '2026-05-10T09:00:00.000Z';
  beforeAll(async () => {
    h = await startHarness({ now: t0 });
  });
  afterAll(async () => {
    await h.close();
  });

  it('lists the open bills with amount due, constraints, a masked holder and an inquiryRef valid for INQUIRY_TTL', async () => {
    const bill = await h.issueBill();
    const res = await h.send<BillInquiryResponse>('GET', `/v1/bills?billerId=telecom&accountNo=${bill.accountNo}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      accountNo: bill.accountNo,
      holderName: 'R*** H*****',
      bills: [
        {
          billId: bill.billId,
          period: bill.period,
          issueDate: bill.issueDate,
          dueDate: bill.dueDate,
          amountDue: syp(150_000),
          lateFee: syp(0),
          allowPartial: false,
          minAmount: syp(150_000),
          maxAmount: syp(150_000),
        },
      ],
      inquiryRef: expect.stringMatching(/^inq_/),
      inquiryExpiresAt: '2026-05-10T09:10:00.000Z',
    });
    // The portal may inquire too (before an intent).
    expect((await h.send('GET', `/v1/bills?billerId=telecom&accountNo=${bill.accountNo}`, { as: 'citizen-portal' })).status).toBe(200);
  });

  it('answers biller_not_found and account_not_found', async () => {
    const biller = await h.send('GET', '/v1/bills?billerId=nobody&accountNo=0112345678');
    expect(biller.status).toBe(404);
    expect(biller.body.error.code).toBe('biller_not_found');
    const account = await h.send('GET', '/v1/bills?billerId=telecom&accountNo=0110000001');
    expect(account.status).toBe(404);
    expect(account.body.error.code).toBe('account_not_found');
  });

  it('honours the quoted amount when a late fee lands after the inquiry, and refuses the ref after it expires', async () => {
    h.setNow(t0);
    const bill = await h.issueBill();
    const inquiry = await h.send<BillInquiryResponse>('GET', `/v1/bills?billerId=telecom&accountNo=${bill.accountNo}`);
    const inquiryRef = inquiry.body.inquiryRef;
    // The late fee lands: amount due is now 165 000.
    await h.feed(
      anEvent('bill.late-fee-applied', {
        payload: {
          ...bill,
          lateFee: syp(15_000),
          amountDue: syp(165_000),
          minAmount: syp(165_000),
          maxAmount: syp(165_000),
          status: 'overdue',
          revision: 2,
          fee: { feeId: `fee-${bill.billId}`, step: 1, amount: syp(15_000), appliedOn: '2026-05-10', policy: 'test' },
        },
      }),
    );
    const after = await h.send<BillInquiryResponse>('GET', `/v1/bills?billerId=telecom&accountNo=${bill.accountNo}`);
    expect(after.body.bills[0]!.amountDue).toEqual(syp(165_000));
    expect(after.body.bills[0]!.lateFee).toEqual(syp(15_000));

    // Without the ref, 150 000 is a partial payment of a bill that takes none.
    const without = await h.send('POST', '/v1/payments', { body: aPayment(bill, { amount: syp(150_000) }) });
    expect(without.body.error.code).toBe('amount_out_of_range');

    // After expiry the ref is refused.
    h.setNow('2026-05-10T09:10:00.000Z');
    const expired = await h.send('POST', '/v1/payments', { body: aPayment(bill, { amount: syp(150_000), inquiryRef }) });
    expect(expired.status).toBe(422);
    expect(expired.body.error.code).toBe('inquiry_expired');

    // Before expiry it is honoured, and the bill is then paid in full.
    h.setNow('2026-05-10T09:09:59.000Z');
    const paid = await h.send<PaymentNotificationResponse>('POST', '/v1/payments', { body: aPayment(bill, { amount: syp(150_000), inquiryRef }) });
    expect(paid.status).toBe(201);
    expect(paid.body.allocations).toEqual([{ billId: bill.billId, amount: syp(150_000) }]);
    const again = await h.send('POST', '/v1/payments', { body: aPayment(bill, { amount: syp(15_000) }) });
    expect(again.body.error.code).toBe('bill_already_paid');

    // Billing is told of the waiver, or it would see 150 000 of 165 000 paid, leave the bill overdue
    // and never send bill.settled (the line would stay cut).
    const paymentEvents = async (type: string) =>
      (
        await h.db.pool.query<{ payload: { type: string; payload: { allocations: unknown[] } } }>(
          `SELECT payload FROM outbox WHERE payload->>'type' = $1 AND payload->'payload'->>'paymentId' = $2`,
          [type, paid.body.paymentId],
        )
      ).rows.map((r) => r.payload.payload);
    const [completed] = await paymentEvents('payment.completed');
    expect(completed?.allocations).toEqual([
      { billId: bill.billId, externalBillId: bill.externalBillId, amount: syp(150_000), waivedLateFee: syp(15_000), quote: { amountDue: syp(150_000), quotedAt: t0 } },
    ]);

    // A reversal names the waiver too: billing owes the fee again with the bill reopened.
    const reversal = await h.send('POST', `/v1/payments/${paid.body.paymentId}/reversals`, { body: { reason: 'customer disputed' } });
    expect(reversal.status).toBe(201);
    const [reversed] = await paymentEvents('payment.reversed');
    expect(reversed?.allocations).toEqual([{ billId: bill.billId, externalBillId: bill.externalBillId, amount: syp(150_000), waivedLateFee: syp(15_000) }]);
    h.setNow(t0);
  });

  it("refuses another client's inquiryRef", async () => {
    const bill = await h.issueBill();
    const inquiry = await h.send<BillInquiryResponse>('GET', `/v1/bills?billerId=telecom&accountNo=${bill.accountNo}`, { as: 'wallet-one' });
    const res = await h.send('POST', '/v1/payments', { body: aPayment(bill, { inquiryRef: inquiry.body.inquiryRef }) });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_request');
  });

  it('ignores a snapshot older than the stored revision', async () => {
    const bill = await h.issueBill({ revision: 3 });
    await h.feed(anEvent('bill.issued', { payload: { ...bill, amount: syp(1), amountDue: syp(1), minAmount: syp(1), maxAmount: syp(1), revision: 2, lines: [] } }));
    const res = await h.send<BillInquiryResponse>('GET', `/v1/bills?billerId=telecom&accountNo=${bill.accountNo}`);
    expect(res.body.bills[0]!.amountDue).toEqual(syp(150_000));
  });

  it('closes a bill settled by a payment it does not know, and opens it again on bill.reopened', async () => {
    const bill = await h.issueBill();
    await h.feed(
      anEvent('bill.settled', {
        payload: { ...bill, paidAmount: syp(150_000), amountDue: syp(0), status: 'paid', revision: 2, settledAt: t0, paymentIds: ['counter-cash-1'], restoreService: false },
      }),
    );
    const closed = await h.send<BillInquiryResponse>('GET', `/v1/bills?billerId=telecom&accountNo=${bill.accountNo}`);
    expect(closed.body.bills).toEqual([]);
    const pay = await h.send('POST', '/v1/payments', { body: aPayment(bill) });
    expect(pay.body.error.code).toBe('bill_already_paid');
    await h.feed(
      anEvent('bill.reopened', {
        payload: { ...bill, revision: 3, reopenedAt: t0, paymentId: 'counter-cash-1', reversalId: 'counter-rev-1', reason: 'cash bounced' },
      }),
    );
    const open = await h.send<BillInquiryResponse>('GET', `/v1/bills?billerId=telecom&accountNo=${bill.accountNo}`);
    expect(open.body.bills.map((b) => b.billId)).toEqual([bill.billId]);
  });

  it('keeps a bill settled by our own payment governed by our allocations', async () => {
    const bill = await h.issueBill();
    const paid = await h.send<PaymentNotificationResponse>('POST', '/v1/payments', { body: aPayment(bill) });
    await h.feed(
      anEvent('bill.settled', {
        payload: { ...bill, paidAmount: syp(150_000), amountDue: syp(0), status: 'paid', revision: 2, settledAt: t0, paymentIds: [paid.body.paymentId], restoreService: true },
      }),
    );
    const { rows } = await h.db.pool.query<{ closed_externally: boolean }>('SELECT closed_externally FROM payable_bills WHERE bill_id = $1', [bill.billId]);
    expect(rows[0]!.closed_externally).toBe(false);
  });
});

describe('catalogues', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  it('lists the billers with their essential flags', async () => {
    const res = await h.send<{ billers: { billerId: string; services: { essential: boolean }[] }[] }>('GET', '/v1/billers', { as: 'citizen-portal' });
    expect(res.status).toBe(200);
    expect(res.body.billers.map((b) => b.billerId)).toEqual(['telecom', 'civil-registry']);
    expect(res.body.billers[0]!.services.every((s) => s.essential)).toBe(true);
  });

  it('lists the channels, available by default and as the last health event says', async () => {
    const before = await h.send<{ channels: { channelId: string; available: boolean; state: string }[] }>('GET', '/v1/channels');
    expect(before.body.channels.map((c) => [c.channelId, c.available, c.state])).toEqual([
      ['bank-alpha', true, 'closed'],
      ['wallet-one', true, 'closed'],
      ['wallet-two', true, 'closed'],
    ]);
    await h.db.pool.query(`INSERT INTO channel_health (channel_id, state, changed_at) VALUES ('wallet-two', 'open', now())`);
    const after = await h.send<{ channels: { channelId: string; available: boolean; state: string }[] }>('GET', '/v1/channels');
    expect(after.body.channels.find((c) => c.channelId === 'wallet-two')).toMatchObject({ available: false, state: 'open' });
  });
});
