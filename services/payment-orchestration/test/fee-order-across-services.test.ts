// Issue 16 end to end, over real Kafka, Postgres and Redis and the channel simulators over HTTP: billing
// runs as a process from its own main.ts (fee orders, the settlement of payment.completed); payment
// orchestration (its intent harness: routes, relay, channel-results consumer, plus its bill read-model
// consumer on billing.bills) and the bank adapter (its harness, with the wallet simulator that asks an
// OTP) on the same command and result topics. A portal user orders a criminal-record certificate, pays
// it from a wallet with the OTP, and the issuing authority's consumer sees bill.settled for the order; a
// bank pays an order by its orderRef, once; an expired order is refused. The authority's consumer reads
// billing.bills as the authority's own Kafka principal (civil-registry, infra/local/kafka-acls.ts) in a
// group of its prefix, as an outside consumer would: plain kafkajs, keeping bill.settled of its billerId.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { isEventOf, parseEvent, topics } from '@gateway/contracts';
import type { AnyEvent, BillInquiryResponse, ErrorBody, IntentResponse, PaymentNotificationResponse } from '@gateway/contracts';
import { createKafka, ensureTopics } from '@gateway/kit';
import type { EventConsumer } from '@gateway/kit';
import { createTestDatabase, serviceEnv, startServiceProcess, testInfra, testKafka, testLogger, uniqueName, waitFor } from '@gateway/testkit';
import type { ServiceProcess, TestDatabase } from '@gateway/testkit';
import type { Consumer } from 'kafkajs';
import { payers } from '../../bank-adapter/test/support/adapter-harness.ts';
import { createBillReadModelConsumer } from '../src/events/bill-read-model.consumer.ts';
import { acrossServices } from './support/across-services.ts';
import { callAs as callBilling, groupsAtTopicEnds } from './support/demo-clients.ts';

type FeeOrder = { orderRef: string; billerId: string; serviceCode: string; amount: { amount: number; currency: string }; expiresAt: string; status: string };

const both = acrossServices();
const syp = (amount: number) => ({ amount, currency: 'SYP' });

describe('a government fee order from the portal to the issuing authority, over real infrastructure', () => {
  let billingDb: TestDatabase;
  let billing: ServiceProcess;
  let readModel: EventConsumer;
  // The issuing authority's consumer, and the bill.settled of its own billerId it has seen.
  let authority: Consumer;
  const settledSeen: AnyEvent[] = [];

  beforeAll(async () => {
    billingDb = await createTestDatabase();
    await ensureTopics(
      testKafka(),
      (['billing.bills', 'payments.payments'] as const).map((name) => ({ topic: name, numPartitions: topics[name].partitions })),
    );
    // The authority's principal (its local password is <principal>-local, infra/local/lib.sh).
    const authorityKafka = createKafka({
      brokers: testInfra().kafkaBrokers,
      clientId: uniqueName('civil-registry'),
      logger: testLogger('fee-e2e-authority'),
      sasl: { mechanism: 'scram-sha-512', username: 'civil-registry', password: 'civil-registry-local' },
    });
    authority = authorityKafka.consumer({ groupId: uniqueName('civil-registry.fee-e2e'), sessionTimeout: 6_000, heartbeatInterval: 500, maxWaitTimeInMs: 100 });
    await authority.connect();
    await authority.subscribe({ topics: ['billing.bills'], fromBeginning: false });
    const joined = new Promise<void>((resolve) => authority.on(authority.events.GROUP_JOIN, () => resolve()));
    await authority.run({
      eachMessage: ({ message }) => {
        try {
          const event = parseEvent(message.value);
          if (isEventOf(event, 'bill.settled') && event.payload.billerId === 'civil-registry') settledSeen.push(event);
        } catch {
          // Not an event of the catalogue: none of the authority's business.
        }
        return Promise.resolve();
      },
    });
    await joined;
    // Fresh groups started at the topics' current end (see end-to-end.test.ts): a long-lived local
    // Kafka holds every earlier run's events.
    const settlementGroup = uniqueName('fee-e2e-settlement');
    const readModelGroup = uniqueName('fee-e2e-read-model');
    await groupsAtTopicEnds([[settlementGroup, 'payments.payments'], [readModelGroup, 'billing.bills']]);
    billing = await startServiceProcess(
      new URL('../../billing/src/main.ts', import.meta.url),
      serviceEnv({ DATABASE_URL: billingDb.url, SETTLEMENT_GROUP_ID: settlementGroup, LATE_FEE_RUN_ENABLED: 'false' }),
    );
    // Orchestration's read model is fed by billing's bill.issued, as in production.
    readModel = createBillReadModelConsumer({
      pool: both.h.db.pool,
      logger: testLogger('fee-e2e-read-model'),
      kafka: testKafka(),
      topic: 'billing.bills',
      groupId: readModelGroup,
      consumerOptions: { sessionTimeoutMs: 6_000, heartbeatIntervalMs: 300 },
    });
    await readModel.start();
    await readModel.joined();
  }, 120_000);

  afterAll(async () => {
    await Promise.all([billing?.stop(), readModel?.stop(), authority?.disconnect()]);
    await billingDb?.drop();
  });

  /** A portal user's criminal-record certificate order at billing, once orchestration presents it. */
  async function orderCertificate(): Promise<FeeOrder> {
    const created = await callBilling<FeeOrder>('POST', `${billing.baseUrl}/v1/fee-orders`, 'citizen-portal', {
      billerId: 'civil-registry',
      serviceCode: 'criminal-record',
      applicant: { nationalId: '01020304050', name: 'Rami Haddad', msisdn: '0944123456' },
    });
    expect(created.status).toBe(201);
    const order = created.json;
    await waitFor(
      async () => (await both.h.send('GET', `/v1/bills?billerId=civil-registry&accountNo=${order.orderRef}`)).status === 200,
      { timeoutMs: 30_000, intervalMs: 200, message: `order ${order.orderRef} at payment orchestration` },
    );
    return order;
  }

  /** The authority's bill.settled for one order, once its consumer has it. */
  const settledFor = (orderRef: string): Promise<AnyEvent> =>
    waitFor(() => settledSeen.find((e) => isEventOf(e, 'bill.settled') && e.payload.accountNo === orderRef), {
      timeoutMs: 30_000,
      intervalMs: 100,
      message: `the authority's bill.settled for ${orderRef}`,
    });

  it('a portal user orders a criminal-record certificate and pays it from a wallet with the OTP; the authority sees bill.settled', async () => {
    const { h } = both;
    const order = await orderCertificate();
    expect(order).toMatchObject({ billerId: 'civil-registry', serviceCode: 'criminal-record', status: 'awaiting_payment' });

    const inquiry = await h.send<BillInquiryResponse>('GET', `/v1/bills?billerId=civil-registry&accountNo=${order.orderRef}`);
    expect(inquiry.body.bills).toEqual([expect.objectContaining({ amountDue: order.amount, allowPartial: false, expiresAt: order.expiresAt })]);

    const created = await h.send<IntentResponse>('POST', '/v1/payment-intents', {
      body: { billerId: 'civil-registry', accountNo: order.orderRef, amount: order.amount, channelId: 'wallet-one', payer: { msisdn: payers['wallet-one'].msisdn } },
    });
    expect(created.status).toBe(201);
    // A government fee is not essential: fees.json's commission is on top, approved with the amount.
    expect(created.body.fee).toEqual(syp(500));
    // The wallet asks its customer for the OTP before it debits.
    await h.waitForStatus(created.body.intentId, 'requires_confirmation', 30_000);
    const confirmed = await h.send<IntentResponse>('POST', `/v1/payment-intents/${created.body.intentId}/confirm`, { body: { otp: '123456' } });
    expect(confirmed.status).toBe(200);
    const done = await h.waitForStatus(created.body.intentId, 'succeeded', 30_000);

    // The issuing authority hears the order is paid: bill.settled for its billerId, naming the payment.
    const settled = await settledFor(order.orderRef);
    expect(isEventOf(settled, 'bill.settled') && settled.payload.paymentIds).toEqual([done.paymentId]);
    // And billing's order reads paid with the receipt.
    await waitFor(
      async () => {
        const read = await callBilling<{ status: string; receiptNo?: string }>('GET', `${billing.baseUrl}/v1/fee-orders/${order.orderRef}`, 'citizen-portal');
        return read.json.status === 'paid' && read.json.receiptNo === done.receiptNo;
      },
      { timeoutMs: 20_000, intervalMs: 200, message: `order ${order.orderRef} paid at billing` },
    );
  }, 120_000);

  it('a bank pays a fee order by its orderRef, once: a second payment is bill_already_paid', async () => {
    const { h } = both;
    const order = await orderCertificate();
    const inquiry = await h.send<BillInquiryResponse>('GET', `/v1/bills?billerId=civil-registry&accountNo=${order.orderRef}`, { as: 'bank-alpha' });
    const pay = (channelTxnId: string) =>
      h.send<PaymentNotificationResponse>('POST', '/v1/payments', {
        as: 'bank-alpha',
        body: { channelTxnId, billerId: 'civil-registry', accountNo: order.orderRef, amount: order.amount, paidAt: h.clock().toISOString(), inquiryRef: inquiry.body.inquiryRef },
      });
    const paid = await pay(uniqueName('fee-e2e-bank'));
    expect(paid.status).toBe(201);
    expect(paid.body).toMatchObject({ status: 'completed', amount: order.amount, fee: syp(500) });
    const again = await pay(uniqueName('fee-e2e-bank'));
    expect(again.status).toBe(409);
    expect((again.body as unknown as ErrorBody).error.code).toBe('bill_already_paid');
    const settled = await settledFor(order.orderRef);
    expect(isEventOf(settled, 'bill.settled') && settled.payload.paymentIds).toEqual([paid.body.paymentId]);
  }, 120_000);

  it('refuses an expired order with 422 order_expired: inquiry, a bank\'s payment and a portal intent', async () => {
    const { h } = both;
    const order = await orderCertificate();
    // Past the order's expiresAt on orchestration's clock.
    const ahead = Date.parse(order.expiresAt) - h.clock().getTime() + 60_000;
    h.advance(ahead);
    try {
      const inquiry = await h.send('GET', `/v1/bills?billerId=civil-registry&accountNo=${order.orderRef}`, { as: 'bank-alpha' });
      expect(inquiry.status).toBe(422);
      expect(inquiry.body.error.code).toBe('order_expired');
      const paid = await h.send('POST', '/v1/payments', {
        as: 'bank-alpha',
        body: { channelTxnId: uniqueName('fee-e2e-late'), billerId: 'civil-registry', accountNo: order.orderRef, amount: order.amount, paidAt: h.clock().toISOString() },
      });
      expect(paid.status).toBe(422);
      expect(paid.body.error.code).toBe('order_expired');
      const intent = await h.send('POST', '/v1/payment-intents', {
        body: { billerId: 'civil-registry', accountNo: order.orderRef, amount: order.amount, channelId: 'wallet-one', payer: { msisdn: payers['wallet-one'].msisdn } },
      });
      expect(intent.status).toBe(422);
      expect(intent.body.error.code).toBe('order_expired');
    } finally {
      h.advance(-ahead);
    }
    expect(await h.count('payments', 'account_no = $1', [order.orderRef])).toBe(0);
  }, 120_000);
});
