// The whole channel-initiated flow across two real services and real Kafka: the telecom's billing system
// imports a bill into billing; `bill.issued` reaches payment orchestration's read model; a bank inquires
// and pays; `payment.completed` reaches billing, which settles the bill and emits `bill.settled` (the
// event the telecom restores a cut line on). Both services run as processes from their own main.ts.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { isEventOf } from '@gateway/contracts';
import type { BillInquiryResponse, PaymentNotificationResponse } from '@gateway/contracts';
import { uniqueName, waitFor } from '@gateway/testkit';
import type { ServiceProcess, TopicWatcher } from '@gateway/testkit';
import { callAs as call, startBillingAndOrchestration } from './support/demo-clients.ts';
import type { BillingAndOrchestration } from './support/demo-clients.ts';

describe('bill import → inquiry → payment → bill.settled, over real Kafka', () => {
  let stack: BillingAndOrchestration;
  let billing: ServiceProcess;
  let orchestration: ServiceProcess;
  let bills: TopicWatcher;

  beforeAll(async () => {
    stack = await startBillingAndOrchestration('e2e');
    ({ billing, orchestration, bills } = stack);
  }, 90_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it('settles the bill in billing after a bank pays it through the gateway', async () => {
    const accountNo = `011${String(1_000_000 + (randomBytes(3).readUIntBE(0, 3) % 8_000_000)).padStart(7, '0')}`;
    const externalBillId = uniqueName('e2e-bill');
    const imported = await call<{ accepted: unknown[] }>('POST', `${billing.baseUrl}/v1/bill-batches`, 'telecom-billing', {
      batchId: uniqueName('e2e-batch'),
      bills: [
        {
          externalBillId,
          accountNo,
          period: { from: '2026-10-01', to: '2026-10-31' },
          issueDate: '2026-11-01',
          dueDate: '2099-12-31',
          amount: { amount: 245_000, currency: 'SYP' },
          holder: { name: 'Rana Haddad', class: 'individual', msisdn: '+963944123456' },
        },
      ],
    });
    expect(imported.status).toBe(202);
    const issued = await bills.expectEvent((e) => isEventOf(e, 'bill.issued') && e.payload.externalBillId === externalBillId, 20_000);
    const billId = isEventOf(issued, 'bill.issued') ? issued.payload.billId : '';

    // The read model is fed asynchronously: the bank sees the bill once bill.issued is consumed.
    let inquiry: BillInquiryResponse | undefined;
    await waitFor(
      async () => {
        const res = await call<BillInquiryResponse>('GET', `${orchestration.baseUrl}/v1/bills?billerId=telecom&accountNo=${accountNo}`, 'bank-alpha');
        inquiry = res.status === 200 && res.json.bills.length > 0 ? res.json : undefined;
        return inquiry !== undefined;
      },
      { timeoutMs: 20_000, intervalMs: 200, message: 'the bill in payment orchestration' },
    );
    expect(inquiry!.bills).toEqual([expect.objectContaining({ billId, amountDue: { amount: 245_000, currency: 'SYP' } })]);
    expect(inquiry!.holderName).not.toBe('Rana Haddad');

    const paid = await call<PaymentNotificationResponse>('POST', `${orchestration.baseUrl}/v1/payments`, 'bank-alpha', {
      channelTxnId: uniqueName('e2e-txn'),
      billerId: 'telecom',
      accountNo,
      amount: { amount: 245_000, currency: 'SYP' },
      paidAt: new Date().toISOString(),
      inquiryRef: inquiry!.inquiryRef,
    });
    expect(paid.status).toBe(201);
    expect(paid.json.allocations).toEqual([{ billId, amount: { amount: 245_000, currency: 'SYP' } }]);

    const settled = await bills.expectEvent((e) => isEventOf(e, 'bill.settled') && e.payload.billId === billId, 30_000);
    expect(isEventOf(settled, 'bill.settled') && settled.payload.paymentIds).toEqual([paid.json.paymentId]);
    expect(isEventOf(settled, 'bill.settled') && settled.payload.amountDue.amount).toBe(0);

    const account = await call<{ bills: { billId: string; status: string }[] }>('GET', `${billing.baseUrl}/v1/accounts/${accountNo}/bills`, 'ops-console');
    expect(account.json.bills).toEqual([expect.objectContaining({ billId, status: 'paid' })]);
  }, 90_000);
});
