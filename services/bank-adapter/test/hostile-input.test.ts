// Hostile input to every public route of the bank adapter (issue 10, "Done when"), through buildApp
// over real Postgres, Redis and Kafka (the adapter harness: simulators, gateway, consumer), each case
// signed by an operator (the only client its routes serve) so it reaches validation. Every answer must
// be a 4xx with an docs/api.md code, never a 5xx, and nothing may be recorded. The routes are read from the
// app: a route added without cases here fails the suite.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { HttpServer } from '@gateway/kit';
import { testInfra, testLogger } from '@gateway/testkit';
import { apiRoutes, collectRoutes, hostileCases, hostileClients, runHostileCases, sendSigned } from '@gateway/testkit/hostile-input';
import type { HostileRouteSpec, RouteCollector } from '@gateway/testkit/hostile-input';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { buildApp } from '../src/app.ts';
import { createChannelSwitchStore } from '../src/store/redis-channel-switch-store.ts';
import { startAdapterHarness } from './support/adapter-harness.ts';
import type { AdapterHarness } from './support/adapter-harness.ts';

const host = '127.0.0.1:3003';
// The outbox without the periodic channel.health-reported snapshots the running adapter writes by itself.
const tables = ['channel_debits', 'channel_refunds', 'settlement_files', 'audit_log', "outbox WHERE payload->>'type' <> 'channel.health-reported'"];

describe('bank adapter: hostile input to every public route', () => {
  let h: AdapterHarness;
  let redis: Redis;
  let app: HttpServer;
  let collector: RouteCollector;
  const signers = hostileClients([{ kind: 'operator' }]);
  const specs: HostileRouteSpec[] = [
    { method: 'GET', url: '/v1/channels', as: 'operator' },
    { method: 'POST', url: '/v1/channels/:channelId/force-off', params: { channelId: 'wallet-one' }, body: () => ({ reason: 'maintenance window' }), as: 'operator', idempotencyKey: false },
    { method: 'POST', url: '/v1/channels/:channelId/force-on', params: { channelId: 'wallet-one' }, as: 'operator' },
    { method: 'GET', url: '/v1/settlement-files/:channelId/:businessDate', params: { channelId: 'bank-alpha', businessDate: '2026-05-10' }, as: 'operator' },
    { method: 'POST', url: '/v1/settlement-files/:channelId/:businessDate', params: { channelId: 'bank-alpha', businessDate: '2026-05-10' }, as: 'operator' },
    { method: 'GET', url: '/v1/outbox/parked', as: 'operator' },
    { method: 'POST', url: '/v1/outbox/parked/:eventId/replay', params: { eventId: '01900000-0000-7000-8000-000000000000' }, as: 'operator' },
  ];

  beforeAll(async () => {
    h = await startAdapterHarness();
    redis = new Redis(testInfra().redisUrl);
    const logger = testLogger('bank-adapter-hostile');
    const switches = createChannelSwitchStore(redis, `${randomUUID().slice(0, 8)}:`);
    app = buildApp({
      logger,
      auth: { clients: signers.clients, redis, logger },
      readiness: [],
      registry: new Registry(),
      pool: h.db.pool,
      gateway: h.adapter.gateway,
      switches,
      resultsTopic: h.topics.results,
    });
    collector = collectRoutes(app);
    await app.ready();
  });

  afterAll(async () => {
    await app?.close();
    await redis?.quit();
    await h?.close();
  });

  async function counts(): Promise<Record<string, number>> {
    const result: Record<string, number> = {};
    for (const table of tables) result[table] = (await h.db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0]!.n;
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
    expect(total).toBeGreaterThan(100);
    expect(await counts()).toEqual(before);
  }, 180_000);
});
