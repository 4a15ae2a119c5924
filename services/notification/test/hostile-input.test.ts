// Hostile input to every public route of notification (issue 10, "Done when"), through buildApp over
// real Postgres and Redis, each case signed by an operator (the only client its routes serve) so it
// reaches validation. Every answer must be a 4xx with an docs/api.md code, never a 5xx, and nothing may be
// recorded. The routes are read from the app: a route added without cases here fails the suite.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { HttpServer } from '@gateway/kit';
import { createTestDatabase, testInfra, testLogger } from '@gateway/testkit';
import type { TestDatabase } from '@gateway/testkit';
import { apiRoutes, collectRoutes, hostileCases, hostileClients, runHostileCases, sendSigned } from '@gateway/testkit/hostile-input';
import type { HostileRouteSpec, RouteCollector } from '@gateway/testkit/hostile-input';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { buildApp } from '../src/app.ts';
import { notificationMigrationsDir } from './support/notification-harness.ts';

const host = '127.0.0.1:3004';
const tables = ['campaigns', 'sms_messages', 'opt_outs', 'opt_out_history', 'audit_log', 'outbox'];

describe('notification: hostile input to every public route', () => {
  let db: TestDatabase;
  let redis: Redis;
  let app: HttpServer;
  let collector: RouteCollector;
  const signers = hostileClients([{ kind: 'operator' }]);
  const campaignId = randomUUID();
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
    { method: 'POST', url: '/v1/campaigns/:campaignId/cancel', params: { campaignId }, body: () => ({ reason: 'wrong text' }), as: 'operator', idempotencyKey: false },
    { method: 'GET', url: '/v1/messages', query: { to: '+963944123456' }, as: 'operator' },
    { method: 'GET', url: '/v1/opt-outs', query: { msisdn: '+963944123456' }, as: 'operator' },
    { method: 'GET', url: '/v1/outbox/parked', as: 'operator' },
    { method: 'POST', url: '/v1/outbox/parked/:eventId/replay', params: { eventId: '01900000-0000-7000-8000-000000000000' }, as: 'operator' },
  ];

  beforeAll(async () => {
    db = await createTestDatabase({ migrationsDir: notificationMigrationsDir });
    redis = new Redis(testInfra().redisUrl);
    const logger = testLogger('notification-hostile');
    app = buildApp({ logger, auth: { clients: signers.clients, redis, logger }, readiness: [], registry: new Registry(), pool: db.pool });
    collector = collectRoutes(app);
    await app.ready();
  });

  afterAll(async () => {
    await app?.close();
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
    expect(total).toBeGreaterThan(200);
    expect(await counts()).toEqual(before);
  }, 180_000);
});
