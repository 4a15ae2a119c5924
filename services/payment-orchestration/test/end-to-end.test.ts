// The whole channel-initiated flow across two real services and real Kafka: the telecom's billing system
// imports a bill into billing; `bill.issued` reaches payment orchestration's read model; a bank inquires
// and pays; `payment.completed` reaches billing, which settles the bill and emits `bill.settled` (the
// event the telecom restores a cut line on). Both services run as processes from their own main.ts.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { isEventOf, topics } from '@gateway/contracts';
import type { BillInquiryResponse, PaymentNotificationResponse } from '@gateway/contracts';
import { ensureTopics } from '@gateway/kit';
import { createTestDatabase, serviceEnv, startServiceProcess, testKafka, uniqueName, waitFor, watchTopic } from '@gateway/testkit';
import type { ServiceProcess, TestDatabase, TopicWatcher } from '@gateway/testkit';
import { callAs as call, groupsAtTopicEnds } from './support/demo-clients.ts';

describe('bill import → inquiry → payment → bill.settled, over real Kafka', () => {
  let billingDb: TestDatabase;
  let paymentsDb: TestDatabase;
  let billing: ServiceProcess;
  let orchestration: ServiceProcess;
  let bills: TopicWatcher;

  beforeAll(async () => {
    [billingDb, paymentsDb] = await Promise.all([createTestDatabase(), createTestDatabase()]);
    // On a fresh broker (CI) no service has created the shared topics yet; watching needs them now.
    await ensureTopics(
      testKafka(),
      (['billing.bills', 'payments.payments'] as const).map((name) => ({ topic: name, numPartitions: topics[name].partitions })),
    );
    bills = await watchTopic('billing.bills');
    // Fresh consumer groups, so this run's services share no offsets with `npm start` or an earlier
    // run, started at the topics' current end: on a long-lived local Kafka the shared topics hold
    // every earlier run's events, and replaying them all would only slow this test down.
    const settlementGroup = uniqueName('e2e-settlement');
    const readModelGroup = uniqueName('e2e-read-model');
    await groupsAtTopicEnds([[settlementGroup, 'payments.payments'], [readModelGroup, 'billing.bills']]);
    [billing, orchestration] = await Promise.all([
      startServiceProcess(
        new URL('../../billing/src/main.ts', import.meta.url),
        serviceEnv({ DATABASE_URL: billingDb.url, SETTLEMENT_GROUP_ID: settlementGroup, LATE_FEE_RUN_ENABLED: 'false' }),
      ),
      startServiceProcess(
        new URL('../src/main.ts', import.meta.url),
        serviceEnv({
          DATABASE_URL: paymentsDb.url,
          BILL_READ_MODEL_GROUP_ID: readModelGroup,
          CHANNEL_HEALTH_GROUP_ID: uniqueName('e2e-health'),
          CHANNEL_RESULTS_GROUP_ID: uniqueName('e2e-results'),
        }),
      ),
    ]);
  }, 90_000);

  afterAll(async () => {
    await Promise.all([billing?.stop(), orchestration?.stop(), bills?.stop()]);
    await Promise.all([billingDb?.drop(), paymentsDb?.drop()]);
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
