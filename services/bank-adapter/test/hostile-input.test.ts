// Hostile input to every public route of the bank adapter (issue 10, "Done when"), through buildApp
// over real Postgres, Redis and Kafka (the adapter harness: simulators, gateway, consumer), each case
// signed by an operator (the only client its routes serve) so it reaches validation. Every answer must
// be a 4xx with a docs/api.md code, never a 5xx, and nothing may be recorded. The routes are read from the
// app: a route added without cases here fails the suite.
import { randomUUID } from 'node:crypto';
import { testInfra, testLogger } from '@gateway/testkit';
import { describeHostileInput, hostileClients } from '@gateway/testkit/hostile-input';
import type { HostileRouteSpec } from '@gateway/testkit/hostile-input';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { buildApp } from '../src/app.ts';
import { createChannelSwitchStore } from '../src/store/redis-channel-switch-store.ts';
import { startAdapterHarness } from './support/adapter-harness.ts';

const signers = hostileClients([{ kind: 'operator' }]);

describeHostileInput('bank adapter', {
  host: '127.0.0.1:3003',
  // The outbox without the periodic channel.health-reported snapshots the running adapter writes by itself.
  tables: ['channel_debits', 'channel_refunds', 'settlement_files', 'audit_log', "outbox WHERE payload->>'type' <> 'channel.health-reported'"],
  signers,
  minCases: 100,
  async start() {
    const h = await startAdapterHarness();
    const redis = new Redis(testInfra().redisUrl);
    const logger = testLogger('bank-adapter-hostile');
    const switches = createChannelSwitchStore(redis, `${randomUUID().slice(0, 8)}:`);
    const app = buildApp({
      logger,
      auth: { clients: signers.clients, redis, logger },
      readiness: [],
      registry: new Registry(),
      pool: h.db.pool,
      gateway: h.adapter.gateway,
      switches,
      resultsTopic: h.topics.results,
    });
    const specs: HostileRouteSpec[] = [
      { method: 'GET', url: '/v1/channels', as: 'operator' },
      { method: 'GET', url: '/v1/channels/stats', query: { windowMinutes: '15' }, as: 'operator' },
      { method: 'GET', url: '/v1/channels/:channelId/history', params: { channelId: 'wallet-one' }, query: { limit: '10' }, as: 'operator' },
      { method: 'GET', url: '/v1/debits', query: { intentIds: 'pi_one,pi_two' }, as: 'operator' },
      { method: 'GET', url: '/v1/channels/:channelId/debits/:reference', params: { channelId: 'bank-alpha', reference: 'pi_unknown' }, as: 'operator' },
      { method: 'POST', url: '/v1/channels/:channelId/force-off', params: { channelId: 'wallet-one' }, body: () => ({ reason: 'maintenance window' }), as: 'operator', idempotencyKey: false },
      { method: 'POST', url: '/v1/channels/:channelId/force-on', params: { channelId: 'wallet-one' }, as: 'operator' },
      { method: 'GET', url: '/v1/settlement-files/:channelId/:businessDate', params: { channelId: 'bank-alpha', businessDate: '2026-05-10' }, as: 'operator' },
      { method: 'POST', url: '/v1/settlement-files/:channelId/:businessDate', params: { channelId: 'bank-alpha', businessDate: '2026-05-10' }, as: 'operator' },
      { method: 'GET', url: '/v1/outbox/parked', as: 'operator' },
      { method: 'GET', url: '/v1/outbox/backlog', as: 'operator' },
      { method: 'GET', url: '/v1/audit-log', query: { limit: '10' }, as: 'operator' },
      { method: 'POST', url: '/v1/outbox/parked/:eventId/replay', params: { eventId: '01900000-0000-7000-8000-000000000000' }, as: 'operator' },
    ];
    return {
      app,
      pool: h.db.pool,
      specs,
      async close() {
        await redis.quit();
        await h.close();
      },
    };
  },
});
