// Hostile input to every public route of payment orchestration (issue 10, "Done when"), through
// buildApp over real Postgres, Redis and Kafka, each case signed by a client the route accepts so it
// reaches validation. Every answer must be a 4xx with a docs/api.md code, never a 5xx, and nothing may be
// recorded. The routes are read from the app: a route added without cases here fails the suite.
import { createOtpForwarder } from '../src/events/otp-forwarder.producer.ts';
import { describeHostileInput, hostileClients } from '@gateway/testkit/hostile-input';
import type { HostileRouteSpec } from '@gateway/testkit/hostile-input';
import { createTestDatabase, testInfra, testKafka, testLogger } from '@gateway/testkit';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { buildApp } from '../src/app.ts';
import { readConfig } from '../src/config.ts';
import { aBillIssued, aPayment, billFeeder, migrationsDir } from './support/harness.ts';

const signers = hostileClients([{ kind: 'channel', channelId: 'bank-alpha' }, { kind: 'portal' }, { kind: 'operator' }]);

describeHostileInput('payment orchestration', {
  host: '127.0.0.1:3002',
  // The service's tables a request could write, and the outbox: none may grow.
  tables: ['payments', 'payment_allocations', 'reversals', 'ledger_entries', 'payment_intents', 'intent_bills', 'inquiries', 'complaints', 'reconciliations', 'reconciliation_exceptions', 'outbox'],
  signers,
  minCases: 500,
  async start() {
    const db = await createTestDatabase({ migrationsDir });
    const infra = testInfra();
    const redis = new Redis(infra.redisUrl);
    const logger = testLogger('payment-orchestration-hostile');
    const config = readConfig({ DATABASE_URL: db.url, KAFKA_BROKERS: infra.kafkaBrokers.join(','), REDIS_URL: infra.redisUrl, RATE_LIMIT_PER_MINUTE: '1000000' });
    const otpForwarder = createOtpForwarder({ kafka: testKafka(), logger });
    const app = buildApp({ logger, auth: { clients: signers.clients, redis, logger }, readiness: [], registry: new Registry(), pool: db.pool, redis, config, otpForwarder });

    // A real bill in the read model, so a valid payment or intent would be accepted: each case
    // differs from one in a single way.
    const bill = aBillIssued();
    await billFeeder(db.pool, logger)(bill);
    const snapshot = bill.payload;
    const intentId = 'int_00000000-0000-7000-8000-000000000000';
    const specs: HostileRouteSpec[] = [
      { method: 'GET', url: '/v1/billers', as: 'portal' },
      { method: 'GET', url: '/v1/channels', as: 'portal' },
      { method: 'GET', url: '/v1/bills', query: { billerId: snapshot.billerId, accountNo: snapshot.accountNo }, as: 'channel' },
      {
        method: 'POST',
        url: '/v1/payments',
        body: () => aPayment(snapshot, { paidAt: new Date().toISOString() }),
        extraBodies: () => [
          ['NUL in channelTxnId', aPayment(snapshot, { channelTxnId: 'txn-\u0000-1', paidAt: new Date().toISOString() })],
          ['paidAt in 2099', aPayment(snapshot, { paidAt: '2099-01-01T00:00:00Z' })],
          ['paidAt 8 days ago', aPayment(snapshot, { paidAt: new Date(Date.now() - 8 * 86_400_000).toISOString() })],
          ['paidAt not UTC', aPayment(snapshot, { paidAt: '2026-05-10T08:00:00+03:00' })],
          // A public entity's one transfer (issue 16): entityId instead of accountNo, never both or neither;
          // an entity with no bills here is 404 account_not_found and records nothing.
          ['entityId with accountNo', aPayment(snapshot, { entityId: 'ent-moh', billIds: undefined, paidAt: new Date().toISOString() })],
          ['neither accountNo nor entityId', aPayment(snapshot, { accountNo: undefined, billIds: undefined, paidAt: new Date().toISOString() })],
          ['unknown entityId', aPayment(snapshot, { accountNo: undefined, entityId: 'ent-unknown', billIds: undefined, paidAt: new Date().toISOString() })],
          ['entityId with inquiryRef', aPayment(snapshot, { accountNo: undefined, entityId: 'ent-moh', inquiryRef: 'inq-1', billIds: undefined, paidAt: new Date().toISOString() })],
        ],
        as: 'channel',
      },
      { method: 'GET', url: '/v1/payments/:paymentId', params: { paymentId: 'pay_unknown' }, as: 'channel' },
      { method: 'GET', url: '/v1/payments', query: { channelTxnId: 'txn-unknown' }, as: 'channel' },
      { method: 'POST', url: '/v1/payments/:paymentId/reversals', params: { paymentId: 'pay_unknown' }, body: () => ({ reason: 'customer disputed' }), as: 'channel' },
      { method: 'GET', url: '/v1/settlements/:businessDate', params: { businessDate: '2026-05-10' }, as: 'channel' },
      {
        method: 'POST',
        url: '/v1/payment-intents',
        body: () => ({ billerId: snapshot.billerId, accountNo: snapshot.accountNo, billIds: [snapshot.billId], amount: snapshot.amountDue, channelId: 'wallet-one', payer: { msisdn: '+963944123456' } }),
        as: 'portal',
      },
      { method: 'GET', url: '/v1/payment-intents/:id', params: { id: intentId }, as: 'portal' },
      { method: 'POST', url: '/v1/payment-intents/:id/confirm', params: { id: intentId }, body: () => ({ otp: '123456' }), as: 'portal' },
      { method: 'POST', url: '/v1/payment-intents/:id/cancel', params: { id: intentId }, body: () => ({ reason: 'changed my mind' }), as: 'portal' },
      { method: 'POST', url: '/v1/payment-intents/:id/refund', params: { id: intentId }, body: () => ({ reason: 'payment refused, give it back' }), as: 'operator' },
      { method: 'POST', url: '/v1/complaints', body: () => ({ type: 'no_sms', msisdn: '+963944123456', description: 'no receipt SMS', intentId: intentId }), as: 'portal' },
      { method: 'GET', url: '/v1/complaints/:id', params: { id: 'cmp_00000000-0000-7000-8000-000000000000' }, as: 'portal' },
      { method: 'GET', url: '/v1/complaints', query: { status: 'logged', limit: '10' }, as: 'operator' },
      { method: 'POST', url: '/v1/complaints/:id/:action', params: { id: 'cmp_00000000-0000-7000-8000-000000000000', action: 'resolve' }, body: () => ({ note: 'refunded' }), as: 'operator' },
      { method: 'GET', url: '/v1/outbox/parked', as: 'operator' },
      { method: 'GET', url: '/v1/outbox/backlog', as: 'operator' },
      { method: 'GET', url: '/v1/payment-search', query: { receiptNo: 'RC-20260510-000001' }, as: 'operator' },
      { method: 'GET', url: '/v1/payment-timeline/:id', params: { id: 'pay_unknown' }, as: 'operator' },
      { method: 'GET', url: '/v1/intents/summary', as: 'operator' },
      { method: 'GET', url: '/v1/reconciliations/:channelId/:businessDate', params: { channelId: 'bank-alpha', businessDate: '2026-05-10' }, as: 'operator' },
      {
        method: 'POST',
        url: '/v1/reconciliation-exceptions/:id/resolve',
        params: { id: 'rex_00000000-0000-7000-8000-000000000000' },
        body: () => ({ action: 'accept', note: 'the bank rounds its fee' }),
        as: 'operator',
      },
      { method: 'GET', url: '/v1/intents', query: { status: 'reconciliation', limit: '10' }, as: 'operator' },
      { method: 'GET', url: '/v1/audit-log', query: { limit: '10' }, as: 'operator' },
      { method: 'POST', url: '/v1/outbox/parked/:eventId/replay', params: { eventId: '01900000-0000-7000-8000-000000000000' }, as: 'operator' },
    ];
    return {
      app,
      pool: db.pool,
      specs,
      async close() {
        await otpForwarder.stop();
        await redis.quit();
        await db.drop();
      },
    };
  },
});
