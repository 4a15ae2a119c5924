// Hostile input to every public route of notification (issue 10, "Done when"), through buildApp over
// real Postgres and Redis, each case signed by an operator (the only client its routes serve) so it
// reaches validation. Every answer must be a 4xx with a docs/api.md code, never a 5xx, and nothing may be
// recorded. The routes are read from the app: a route added without cases here fails the suite.
import { randomUUID } from 'node:crypto';
import { createTestDatabase, testInfra, testLogger } from '@gateway/testkit';
import { describeHostileInput, hostileClients } from '@gateway/testkit/hostile-input';
import type { HostileRouteSpec } from '@gateway/testkit/hostile-input';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { buildApp } from '../src/app.ts';
import { notificationMigrationsDir } from './support/notification-harness.ts';

const signers = hostileClients([{ kind: 'operator' }]);
const campaignId = randomUUID();

describeHostileInput('notification', {
  host: '127.0.0.1:3004',
  tables: ['campaigns', 'sms_messages', 'opt_outs', 'opt_out_history', 'audit_log', 'outbox'],
  signers,
  minCases: 200,
  async start() {
    const db = await createTestDatabase({ migrationsDir: notificationMigrationsDir });
    const redis = new Redis(testInfra().redisUrl);
    const logger = testLogger('notification-hostile');
    const app = buildApp({ logger, auth: { clients: signers.clients, redis, logger }, readiness: [], registry: new Registry(), pool: db.pool });
    const specs: HostileRouteSpec[] = [
      { method: 'GET', url: '/v1/campaigns', query: { limit: '10' }, as: 'operator' },
      {
        method: 'POST',
        url: '/v1/campaigns',
        body: () => ({
          name: `campaign ${randomUUID().slice(0, 6)}`,
          text: { ar: 'ادفع فاتورتك إلكترونياً', en: 'Pay your bill electronically' },
          segment: { governorates: ['nowhere'], holderClasses: ['individual'], unpaidOnly: true },
        }),
        nullable: ['text.en'],
        as: 'operator',
      },
      { method: 'GET', url: '/v1/campaigns/:campaignId', params: { campaignId }, as: 'operator' },
      { method: 'POST', url: '/v1/campaigns/preview', body: () => ({ segment: { governorates: ['nowhere'], holderClasses: ['individual'], unpaidOnly: true } }), as: 'operator', idempotencyKey: false },
      { method: 'POST', url: '/v1/campaigns/:campaignId/cancel', params: { campaignId }, body: () => ({ reason: 'wrong text' }), as: 'operator', idempotencyKey: false },
      { method: 'GET', url: '/v1/messages', query: { to: '+963944123456' }, as: 'operator' },
      { method: 'GET', url: '/v1/payment-messages', query: { paymentId: 'pay_01900000-0000-7000-8000-000000000000' }, as: 'operator' },
      { method: 'GET', url: '/v1/opt-outs', query: { msisdn: '+963944123456' }, as: 'operator' },
      { method: 'GET', url: '/v1/outbox/parked', as: 'operator' },
      { method: 'GET', url: '/v1/outbox/backlog', as: 'operator' },
      { method: 'GET', url: '/v1/audit-log', query: { limit: '10' }, as: 'operator' },
      { method: 'POST', url: '/v1/outbox/parked/:eventId/replay', params: { eventId: '01900000-0000-7000-8000-000000000000' }, as: 'operator' },
    ];
    return {
      app,
      pool: db.pool,
      specs,
      async close() {
        await redis.quit();
        await db.drop();
      },
    };
  },
});
