// Hostile input to every public route of billing (issue 10, "Done when"), through buildApp over real
// Postgres and Redis, each case signed by a client the route accepts so it reaches validation. Every
// answer must be a 4xx with an docs/api.md code, never a 5xx, and nothing may be recorded. The batch import
// answers per row: a hostile value inside a row rejects that row (202, nothing accepted), as docs/api.md
// says, and the batch's answer is kept for its batchId; no bill, account or event is recorded.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { BillBatchResponse } from '@gateway/contracts';
import type { HttpServer } from '@gateway/kit';
import { createTestDatabase, testInfra, testLogger } from '@gateway/testkit';
import type { TestDatabase } from '@gateway/testkit';
import { apiRoutes, collectRoutes, hostileCases, hostileClients, runHostileCases, sendSigned } from '@gateway/testkit/hostile-input';
import type { HostileRouteSpec, RouteCollector } from '@gateway/testkit/hostile-input';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { buildApp } from '../src/app.ts';
import { defaultLateFeePolicy } from '../src/domain/late-fee-policy.ts';
import { aLandline, aRow, migrationsDir } from './support/import-harness.ts';

const host = '127.0.0.1:3001';
const tables = ['accounts', 'entities', 'bills', 'bill_history', 'outbox'];

describe('billing: hostile input to every public route', () => {
  let db: TestDatabase;
  let redis: Redis;
  let app: HttpServer;
  let collector: RouteCollector;
  const signers = hostileClients([{ kind: 'biller' }, { kind: 'operator' }]);
  const accountNo = aLandline();
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
    { method: 'GET', url: '/v1/outbox/parked', as: 'operator' },
    { method: 'POST', url: '/v1/outbox/parked/:eventId/replay', params: { eventId: '01900000-0000-7000-8000-000000000000' }, as: 'operator' },
  ];

  beforeAll(async () => {
    db = await createTestDatabase({ migrationsDir });
    redis = new Redis(testInfra().redisUrl);
    const logger = testLogger('billing-hostile');
    app = buildApp({ logger, auth: { clients: signers.clients, redis, logger }, readiness: [], registry: new Registry(), pool: db.pool, policy: defaultLateFeePolicy });
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
    expect(total).toBeGreaterThan(250);
    expect(await counts()).toEqual(before);
  }, 180_000);
});
