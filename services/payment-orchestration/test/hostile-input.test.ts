// Hostile input to every public route of payment orchestration (issue 10, "Done when"), through
// buildApp over real Postgres, Redis and Kafka, each case signed by a client the route accepts so it
// reaches validation. Every answer must be a 4xx with an docs/api.md code, never a 5xx, and nothing may be
// recorded. The routes are read from the app: a route added without cases here fails the suite.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createOtpForwarder } from '../src/events/otp-forwarder.producer.ts';
import { apiRoutes, collectRoutes, hostileCases, hostileClients, runHostileCases, sendSigned } from '@gateway/testkit/hostile-input';
import type { HostileRouteSpec, RouteCollector } from '@gateway/testkit/hostile-input';
import { createTestDatabase, testInfra, testKafka, testLogger } from '@gateway/testkit';
import type { TestDatabase } from '@gateway/testkit';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { buildApp } from '../src/app.ts';
import { readConfig } from '../src/config.ts';
import { createBillReadModelHandler } from '../src/events/bill-read-model.consumer.ts';
import type { HttpServer } from '@gateway/kit';
import { aBillIssued, aPayment, migrationsDir } from './support/harness.ts';

const host = '127.0.0.1:3002';
// The service's tables a request could write, and the outbox: none may grow.
const tables = ['payments', 'payment_allocations', 'reversals', 'ledger_entries', 'payment_intents', 'intent_bills', 'inquiries', 'outbox'];

describe('payment orchestration: hostile input to every public route', () => {
  let db: TestDatabase;
  let redis: Redis;
  let app: HttpServer;
  let collector: RouteCollector;
  let otpForwarder: ReturnType<typeof createOtpForwarder>;
  const signers = hostileClients([{ kind: 'channel', channelId: 'bank-alpha' }, { kind: 'portal' }, { kind: 'operator' }]);
  let specs: HostileRouteSpec[];

  beforeAll(async () => {
    db = await createTestDatabase({ migrationsDir });
    const infra = testInfra();
    redis = new Redis(infra.redisUrl);
    const logger = testLogger('payment-orchestration-hostile');
    const config = readConfig({ DATABASE_URL: db.url, KAFKA_BROKERS: infra.kafkaBrokers.join(','), REDIS_URL: infra.redisUrl, RATE_LIMIT_PER_MINUTE: '1000000' });
    otpForwarder = createOtpForwarder({ kafka: testKafka(), logger });
    app = buildApp({ logger, auth: { clients: signers.clients, redis, logger }, readiness: [], registry: new Registry(), pool: db.pool, redis, config, otpForwarder });
    collector = collectRoutes(app);
    await app.ready();

    // A real bill in the read model, so a valid payment or intent would be accepted: each case
    // differs from one in a single way.
    const bill = aBillIssued();
    await createBillReadModelHandler({ pool: db.pool, logger })(bill, { topic: 'test', partition: 0, offset: '0', key: bill.key, headers: {}, attempt: 1 });
    const snapshot = bill.payload;
    const intentId = 'int_00000000-0000-7000-8000-000000000000';
    specs = [
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
      { method: 'GET', url: '/v1/outbox/parked', as: 'operator' },
      { method: 'POST', url: '/v1/outbox/parked/:eventId/replay', params: { eventId: '01900000-0000-7000-8000-000000000000' }, as: 'operator' },
    ];
  });

  afterAll(async () => {
    await app?.close();
    await otpForwarder?.stop();
    await redis?.quit();
    await db?.drop();
  });

  async function counts(): Promise<Record<string, number>> {
    const result: Record<string, number> = {};
    for (const table of tables) result[table] = (await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0]!.n;
    return result;
  }

  it('has hostile cases for every route the app serves', () => {
    expect(apiRoutes(collector)).toEqual(specs.map((s) => `${s.method} ${s.url}`).sort());
  });

  it('answers every hostile case with a 4xx and an docs/api.md code, and records nothing', async () => {
    const before = await counts();
    const wrong: string[] = [];
    let total = 0;
    for (const spec of specs) {
      const cases = hostileCases(spec);
      total += cases.length;
      wrong.push(...(await runHostileCases(cases, (c) => sendSigned(app, c, signers.keyOf(spec.as), host))));
    }
    expect(wrong).toEqual([]);
    expect(total).toBeGreaterThan(500);
    expect(await counts()).toEqual(before);
  }, 180_000);
});
