// Issue 15, the automatic first checks of complaints that need another service's word, run after
// filing by the complaint-checks consumer (complaint.logged on the catalogue's payments.complaints):
// payment orchestration and the bank adapter on the same topics (their harnesses), the bank simulator
// over real HTTP, the adapter's operator API served for real (its live status inquiry), and
// notification's pipeline (its harness: Kafka in, SMPP to the SMSC simulator, delivery receipts back)
// with its operator API served for real. Both are asked as one operator client of this run.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { BillSnapshot, ComplaintCreated, ComplaintView, IntentResponse, PaymentNotificationResponse, QueuedComplaint } from '@gateway/contracts';
import { topics as catalogueTopics } from '@gateway/contracts';
import { ensureTopics } from '@gateway/kit';
import type { EventConsumer, HttpServer } from '@gateway/kit';
import { testInfra, testKafka, testLogger, uniqueName, waitFor } from '@gateway/testkit';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { payers } from '../../bank-adapter/test/support/adapter-harness.ts';
import { buildApp as buildNotificationApp } from '../../notification/src/app.ts';
import { startHarness as startNotificationHarness } from '../../notification/test/support/notification-harness.ts';
import type { Harness as NotificationHarness } from '../../notification/test/support/notification-harness.ts';
import { createComplaintEvidenceClient } from '../src/clients/complaint-evidence.client.ts';
import { createComplaintChecksConsumer } from '../src/events/complaint-checks.consumer.ts';
import { checkFiledComplaint } from '../src/flows/check-complaint.flow.ts';
import type { ComplaintCheckDeps } from '../src/flows/check-complaint.flow.ts';
import { acrossServices, bankIntentLeftUnknown } from './support/across-services.ts';
import { runOperatorClient, serveAdapterOperatorApi } from './support/adapter-operator-api.ts';
import { aBillIssued, billFeeder } from './support/harness.ts';

const both = acrossServices();
const checker = runOperatorClient('checker');
let sms: NotificationHarness;
let adapterApp: HttpServer;
let notificationApp: HttpServer;
let redis: Redis;
let consumer: EventConsumer;
let deps: ComplaintCheckDeps;
const consumerMetrics = new Registry();

beforeAll(async () => {
  const { h } = both;
  redis = new Redis(testInfra().redisUrl);
  const logger = testLogger('complaint-checks');
  const served = await serveAdapterOperatorApi(both, { operator: checker, redis, logger });
  adapterApp = served.app;
  sms = await startNotificationHarness({ receiptDelayMs: 100 });
  notificationApp = buildNotificationApp({ logger, auth: { clients: checker.clients, redis, logger }, readiness: [], registry: new Registry(), pool: sms.db.pool });
  deps = {
    pool: h.db.pool,
    evidence: createComplaintEvidenceClient({
      bankAdapterUrl: served.baseUrl,
      notificationUrl: await notificationApp.listen({ host: '127.0.0.1', port: 0 }),
      keyId: checker.keyId,
      secret: checker.secret,
      timeoutMs: 5_000,
    }),
    windowMs: 86_400_000,
    now: () => new Date(),
  };
  // The intent harness files complaints on the catalogue's topic (its topics name none of its own).
  await ensureTopics(testKafka(), [{ topic: 'payments.complaints', numPartitions: catalogueTopics['payments.complaints'].partitions }]);
  consumer = createComplaintChecksConsumer({
    ...deps,
    kafka: testKafka(),
    logger,
    registry: consumerMetrics,
    complaintsTopic: 'payments.complaints',
    groupId: uniqueName('payments.complaint-checks'),
    consumerOptions: { sessionTimeoutMs: 6_000, heartbeatIntervalMs: 300, backoff: { initialMs: 200, maxMs: 1_000 }, maxAttempts: 30 },
  });
  await consumer.start();
  await consumer.joined();
});
afterAll(async () => {
  await consumer?.stop();
  await adapterApp?.close();
  await notificationApp?.close();
  await sms?.close();
  await redis?.quit();
});

const bank = () => both.adapter.simulators['bank-alpha'];

type Caller = 'portal' | 'wallet-one';

async function file(type: string, refs: Record<string, string>, as: Caller = 'portal'): Promise<string> {
  const res = await both.h.send<ComplaintCreated>('POST', '/v1/complaints', { as, body: { type, msisdn: '+963944123456', description: `${type}: please check`, ...refs } });
  expect(res.status).toBe(201);
  return res.body.complaintId;
}

/** The complaint once its check has run (evidence recorded), as the filing client sees it. */
async function checked(complaintId: string, as: Caller = 'portal'): Promise<ComplaintView> {
  return waitFor(
    async () => {
      const view = (await both.h.send<ComplaintView>('GET', `/v1/complaints/${complaintId}`, { as })).body;
      return view.evidence === null ? undefined : view;
    },
    { timeoutMs: 45_000, message: `complaint ${complaintId} to be checked` },
  );
}

async function complaintEvents(complaintId: string): Promise<{ type: string; payload: Record<string, unknown> }[]> {
  const { rows } = await both.h.db.pool.query<{ payload: { type: string; payload: Record<string, unknown> } }>(
    `SELECT payload FROM outbox WHERE payload->>'type' LIKE 'complaint.%' AND payload->>'key' = $1 ORDER BY id`,
    [complaintId],
  );
  return rows.map((r) => r.payload);
}

/** A bank-alpha intent for the whole of a fresh bill, debited and paid. */
async function paidIntent(): Promise<IntentResponse> {
  const { h } = both;
  const bill = await h.issueBill();
  const created = await h.send<IntentResponse>('POST', '/v1/payment-intents', {
    body: { billerId: bill.billerId, accountNo: bill.accountNo, billIds: [bill.billId], amount: bill.amountDue, channelId: 'bank-alpha', payer: { accountNo: payers['bank-alpha'].accountNo } },
  });
  expect(created.status).toBe(201);
  return h.waitForStatus(created.body.intentId, 'succeeded', 30_000);
}

// Holds the adapter's status inquiries while the wallet pays (see intent-refund-across-services.test.ts).
const holdInquiries = () => both.adapter.adapter.gateway.setForcedOff('bank-alpha', { by: 'test', at: new Date().toISOString(), reason: 'hold inquiries until the wallet pays' });
const releaseInquiries = () => both.adapter.adapter.gateway.setForcedOff('bank-alpha', null);

/**
 * The customer debited twice for one bill: the portal's bank debit is in flight (no answer) when the
 * customer pays the same bill in a wallet; the bank debit then proves to have succeeded, its payment is
 * refused (the bill is paid) and the adapter gives it back, or fails to when the bank refuses reversals.
 */
async function debitThatBoughtNothing(refusesReversal: boolean): Promise<{ intent: IntentResponse; bill: BillSnapshot }> {
  const { h } = both;
  const bill: BillSnapshot = await h.issueBill();
  const intent = await bankIntentLeftUnknown(both, bill, { dropReplyRate: 1 }, { dropReplyRate: 0, reversalRefusalRate: refusesReversal ? 1 : 0 }, holdInquiries);
  try {
    const paid = await h.send<PaymentNotificationResponse>('POST', '/v1/payments', {
      as: 'wallet-one',
      body: { channelTxnId: `W1-CC-${randomUUID()}`, billerId: bill.billerId, accountNo: bill.accountNo, billIds: [bill.billId], amount: bill.amountDue, paidAt: h.clock().toISOString() },
    });
    expect(paid.status).toBe(201);
    releaseInquiries();
    const refund = refusesReversal ? 'refused' : 'succeeded';
    await waitFor(
      async () => ((await h.send<IntentResponse>('GET', `/v1/payment-intents/${intent.intentId}`)).body.refund?.status === refund ? true : undefined),
      { timeoutMs: 30_000, message: `the refund of ${intent.intentId} to be ${refund}` },
    );
  } finally {
    releaseInquiries();
    await bank().control({ reversalRefusalRate: 0 });
  }
  return { intent, bill };
}

describe('double_debit, wrong_amount and refund_not_received on one debit', () => {
  it('a single debit: double_debit resolved "debited once" and wrong_amount resolved with the channel’s evidence; refund_not_received queued (no refund was asked for); a different amount queued with both', async () => {
    const intent = await paidIntent();
    const debited = intent.amount.amount + (intent.fee?.amount ?? 0);

    const once = await checked(await file('double_debit', { intentId: intent.intentId }));
    expect(once).toMatchObject({ status: 'resolved', resolution: expect.stringContaining('Debited once') });
    expect(once.evidence).toMatchObject({
      check: 'double_debit',
      debits: [{ source: 'intent', reference: intent.intentId, channel: { status: 'succeeded', amount: { amount: debited }, reversal: { status: 'not_reversed' } } }],
    });
    const events = await complaintEvents(once.complaintId);
    expect(events.map((e) => e.type)).toEqual(['complaint.logged', 'complaint.resolved']);
    expect(events[1]!.payload).toMatchObject({ resolvedBy: 'automatic-check' });

    const amount = await checked(await file('wrong_amount', { intentId: intent.intentId }));
    expect(amount).toMatchObject({ status: 'resolved', evidence: { check: 'wrong_amount', ours: { amount: debited }, theirs: { amount: debited } } });

    const refund = await checked(await file('refund_not_received', { intentId: intent.intentId }));
    expect(refund).toMatchObject({ status: 'logged', resolution: null, evidence: { check: 'refund_not_received', stuckAt: 'no_refund' } });

    // Our record of the debit made to differ from what the bank took (the simulator debits exactly what
    // it is asked, so the disagreement is made on our side; the comparison is the same).
    await both.h.db.pool.query('UPDATE payment_intents SET fee = fee + 500 WHERE intent_id = $1', [intent.intentId]);
    const differs = await checked(await file('wrong_amount', { intentId: intent.intentId }));
    expect(differs).toMatchObject({ status: 'logged', evidence: { stuckAt: 'amount_differs', ours: { amount: debited + 500 }, theirs: { amount: debited } } });
    expect((await complaintEvents(differs.complaintId)).map((e) => e.type)).toEqual(['complaint.logged']);
  });

  it('two debits that bought one bill, the second given back: double_debit and refund_not_received resolved with the reversal', async () => {
    const { intent, bill } = await debitThatBoughtNothing(false);
    const dd = await checked(await file('double_debit', { intentId: intent.intentId }));
    expect(dd).toMatchObject({ status: 'resolved', resolution: expect.stringContaining(intent.intentId) });
    expect(dd.evidence).toMatchObject({ debits: [{ reference: intent.intentId, ours: { paymentId: null, refund: { status: 'succeeded' } }, channel: { status: 'succeeded', reversal: { status: 'reversed' } } }] });

    const rnr = await checked(await file('refund_not_received', { accountNo: bill.accountNo }));
    expect(rnr).toMatchObject({ status: 'resolved', resolution: expect.stringContaining('gave the debit') });
    expect(rnr.evidence).toMatchObject({ check: 'refund_not_received', debit: { reference: intent.intentId, channel: { reversal: { status: 'reversed' } } } });
  });

  it('two debits that bought one bill, the bank refusing the reversal: double_debit stays queued naming the debit to refund; refund_not_received queued saying the channel refused it', async () => {
    const { intent } = await debitThatBoughtNothing(true);
    const dd = await checked(await file('double_debit', { intentId: intent.intentId }));
    expect(dd).toMatchObject({ status: 'logged', resolution: null, evidence: { stuckAt: 'refund_needed', refund: [intent.intentId] } });
    expect(dd.evidence).toMatchObject({ debits: [{ channel: { status: 'succeeded', reversal: { status: 'not_reversed' } }, ours: { refund: { status: 'refused' } } }] });
    // It waits in the operators' queue with that evidence.
    const queue = await both.h.send<{ complaints: QueuedComplaint[] }>('GET', '/v1/complaints?status=logged&limit=100', { as: 'operator' });
    expect(queue.body.complaints.find((c) => c.complaintId === dd.complaintId)?.evidence).toMatchObject({ refund: [intent.intentId] });

    const rnr = await checked(await file('refund_not_received', { intentId: intent.intentId }));
    expect(rnr).toMatchObject({ status: 'logged', evidence: { stuckAt: 'refund_refused' } });
  });
});

describe('no_sms', () => {
  it('resolved with the delivery receipts when notification delivered the payment’s receipt; queued when it holds no SMS for it', async () => {
    const { h } = both;
    const msisdn = `+963944${String(Math.floor(Math.random() * 1_000_000)).padStart(6, '0')}`;
    const feed = billFeeder(h.db.pool, testLogger('complaint-checks-bills'));

    const pay = async (bill: ReturnType<typeof aBillIssued>) => {
      await feed(bill);
      const channelTxnId = `W1-SMS-${randomUUID()}`;
      const p = bill.payload;
      const res = await h.send<PaymentNotificationResponse>('POST', '/v1/payments', {
        as: 'wallet-one',
        body: { channelTxnId, billerId: p.billerId, accountNo: p.accountNo, billIds: [p.billId], amount: p.amountDue, paidAt: h.clock().toISOString() },
      });
      expect(res.status).toBe(201);
      return { ...res.body, channelTxnId };
    };
    const holder = { class: 'individual' as const, name: 'Rami Haddad', msisdn, entityId: null, locale: 'en' as const };

    // Notification hears of the bill and the payment (as it would from billing and orchestration) and sends the receipt.
    const bill = aBillIssued({ holder });
    const paid = await pay(bill);
    const { rows } = await h.db.pool.query<{ payload: { key: string; eventId: string } }>(`SELECT payload FROM outbox WHERE payload->>'type' = 'payment.completed' AND payload->'payload'->>'paymentId' = $1`, [paid.paymentId]);
    expect(rows).toHaveLength(1);
    await sms.deliver([bill, rows[0]!.payload]);
    await waitFor(async () => ((await sms.messageStates("template = 'payment_receipt' AND recipient = $1", [msisdn]))['delivered'] === 1 ? true : undefined), {
      timeoutMs: 30_000,
      message: 'the receipt SMS to be delivered',
    });

    const delivered = await checked(await file('no_sms', { channelTxnId: paid.channelTxnId }, 'wallet-one'), 'wallet-one');
    expect(delivered).toMatchObject({ status: 'resolved', resolution: expect.stringContaining(msisdn) });
    expect(delivered.evidence).toMatchObject({
      check: 'no_sms',
      paymentId: paid.paymentId,
      messages: [{ template: 'payment_receipt', recipient: msisdn, state: 'delivered', receipts: [expect.objectContaining({ state: 'delivered' })] }],
    });

    // A payment notification never heard of: nothing was sent.
    const silent = await pay(aBillIssued({ holder }));
    const none = await checked(await file('no_sms', { paymentId: silent.paymentId }, 'wallet-one'), 'wallet-one');
    expect(none).toMatchObject({ status: 'logged', evidence: { check: 'no_sms', stuckAt: 'no_message', paymentId: silent.paymentId, messages: [] } });
  });
});

describe('the check’s guarantees', () => {
  it('a redelivered complaint.logged changes nothing; a complaint an operator took before its check is left as they made it', async () => {
    const { h } = both;
    const intent = await paidIntent();
    const resolved = await checked(await file('double_debit', { intentId: intent.intentId }));
    expect(resolved.status).toBe('resolved');
    expect(await checkFiledComplaint(deps, resolved.complaintId)).toBe('already checked or taken');
    expect((await complaintEvents(resolved.complaintId)).map((e) => e.type)).toEqual(['complaint.logged', 'complaint.resolved']);

    // Held in the outbox (relay stopped), so the consumer cannot check it before the operator takes it.
    await h.relay.stop();
    let taken: string;
    try {
      taken = await file('wrong_amount', { intentId: intent.intentId });
      const assigned = await h.send<QueuedComplaint>('POST', `/v1/complaints/${taken}/assign`, { as: 'operator', person: 'rana', body: {} });
      expect(assigned.body.status).toBe('assigned');
      expect(await checkFiledComplaint(deps, taken)).toBe('already checked or taken');
    } finally {
      h.relay.start();
    }
    const view = (await h.send<ComplaintView>('GET', `/v1/complaints/${taken}`)).body;
    expect(view).toMatchObject({ status: 'assigned', evidence: null, resolution: null });
  });

  it('a bank that cannot be asked holds the check (retried), which completes once it answers', async () => {
    const intent = await paidIntent();
    await bank().control({ outage: true });
    let id: string;
    try {
      id = await file('wrong_amount', { intentId: intent.intentId });
      // The consumer's check fails while the bank is down (the adapter answers 503): retried, the complaint unchecked.
      const failures = async () => (await consumerMetrics.getSingleMetric('kafka_consumer_handler_failures_total')!.get()).values.reduce((n, v) => n + v.value, 0);
      const before = await failures();
      await waitFor(async () => ((await failures()) > before ? true : undefined), { timeoutMs: 30_000, message: 'the check to fail while the bank is down' });
      expect((await both.h.send<ComplaintView>('GET', `/v1/complaints/${id}`)).body.evidence).toBeNull();
    } finally {
      await bank().control({ outage: false });
    }
    const view = await checked(id);
    expect(view).toMatchObject({ status: 'resolved', evidence: { check: 'wrong_amount' } });
  });
});
