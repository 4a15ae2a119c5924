// Hostile input to every public route of billing (issue 10, "Done when"), through buildApp over real
// Postgres and Redis, each case signed by a client the route accepts so it reaches validation. Every
// answer must be a 4xx with a docs/api.md code, never a 5xx, and nothing may be recorded. The batch import
// answers per row: a hostile value inside a row rejects that row (202, nothing accepted), as docs/api.md
// says, and the batch's answer is kept for its batchId; no bill, account or event is recorded.
import type { BillBatchResponse } from '@gateway/contracts';
import { createTestDatabase, testInfra, testLogger } from '@gateway/testkit';
import { describeHostileInput, hostileClients } from '@gateway/testkit/hostile-input';
import type { HostileRouteSpec } from '@gateway/testkit/hostile-input';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { buildApp } from '../src/app.ts';
import { defaultLateFeePolicy } from '../src/domain/late-fee-policy.ts';
import { aLandline, aRow, migrationsDir } from './support/import-harness.ts';

const signers = hostileClients([{ kind: 'biller' }, { kind: 'operator' }]);
const accountNo = aLandline();

describeHostileInput('billing', {
  host: '127.0.0.1:3001',
  tables: ['accounts', 'entities', 'bills', 'bill_history', 'outbox'],
  signers,
  minCases: 250,
  async start() {
    const db = await createTestDatabase({ migrationsDir });
    const redis = new Redis(testInfra().redisUrl);
    const logger = testLogger('billing-hostile');
    const app = buildApp({ logger, auth: { clients: signers.clients, redis, logger }, readiness: [], registry: new Registry(), pool: db.pool, policy: defaultLateFeePolicy });
    const specs: HostileRouteSpec[] = [
      {
        method: 'POST',
        url: '/v1/bill-batches',
        body: () => ({ batchId: `hostile-${randomUUID()}`, bills: [aRow({ accountNo })] }),
        extraBodies: () => [
          ['a bill of 20,000 lines', { batchId: `hostile-${randomUUID()}`, bills: [aRow({ accountNo, amount: { amount: 20_000, currency: 'SYP' }, lines: Array.from({ length: 20_000 }, (_, i) => ({ code: `L${i}`, description: 'call', amount: { amount: 1, currency: 'SYP' } })) })] }],
        ],
        as: 'biller',
        rows: { path: 'bills', rowsRejected: (body) => (body as BillBatchResponse).acceptedCount === 0 },
      },
      { method: 'GET', url: '/v1/accounts/:accountNo', params: { accountNo }, as: 'operator' },
      { method: 'GET', url: '/v1/accounts/:accountNo/bills', params: { accountNo }, query: { status: 'open' }, as: 'biller' },
      { method: 'GET', url: '/v1/entities/:entityId/statement', params: { entityId: 'ministry-of-health' }, query: { period: '2026-01' }, as: 'operator' },
      { method: 'GET', url: '/v1/adoption', query: { cycle: '2026-01' }, as: 'operator' },
      { method: 'GET', url: '/v1/collections', query: { from: '2026-01-01', to: '2026-01-31' }, as: 'operator' },
      { method: 'GET', url: '/v1/outbox/parked', as: 'operator' },
      { method: 'GET', url: '/v1/outbox/backlog', as: 'operator' },
      { method: 'GET', url: '/v1/payment-effects/:paymentId', params: { paymentId: 'pay_unknown' }, as: 'operator' },
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
