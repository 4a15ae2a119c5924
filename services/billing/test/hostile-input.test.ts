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
import { readFeeSchedulesFile, defaultFeeSchedulesFile } from '../src/config.ts';
import { defaultLateFeePolicy } from '../src/domain/late-fee-policy.ts';
import { aLandline, aRow, migrationsDir } from './support/import-harness.ts';

const signers = hostileClients([{ kind: 'biller' }, { kind: 'operator' }, { kind: 'portal' }]);
const accountNo = aLandline();

describeHostileInput('billing', {
  host: '127.0.0.1:3001',
  tables: ['accounts', 'entities', 'bills', 'bill_history', 'outbox', 'fee_orders'],
  signers,
  minCases: 250,
  async start() {
    const db = await createTestDatabase({ migrationsDir });
    const redis = new Redis(testInfra().redisUrl);
    const logger = testLogger('billing-hostile');
    const app = buildApp({ logger, auth: { clients: signers.clients, redis, logger }, readiness: [], registry: new Registry(), pool: db.pool, policy: defaultLateFeePolicy, feeSchedules: readFeeSchedulesFile(defaultFeeSchedulesFile, 7 * 86_400_000) });
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
      { method: 'GET', url: '/v1/fee-schedule', query: { billerId: 'civil-registry' }, as: 'portal' },
      {
        method: 'POST',
        url: '/v1/fee-orders',
        body: () => ({ billerId: 'civil-registry', serviceCode: 'criminal-record', quantity: 1, applicant: { nationalId: '01234567890', name: 'Rami Haddad', msisdn: '+963944123456' } }),
        extraBodies: () => [
          ['a quantity of 11', { billerId: 'civil-registry', serviceCode: 'criminal-record', quantity: 11, applicant: { nationalId: '01234567890', name: 'Rami Haddad', msisdn: '+963944123456' } }],
          ['a landline as the applicant\'s mobile', { billerId: 'civil-registry', serviceCode: 'criminal-record', applicant: { nationalId: '01234567890', name: 'Rami Haddad', msisdn: '0112345678' } }],
          ['a service the biller does not offer', { billerId: 'civil-registry', serviceCode: 'landline', applicant: { nationalId: '01234567890', name: 'Rami Haddad', msisdn: '+963944123456' } }],
          ['a biller with no fee schedule', { billerId: 'telecom', serviceCode: 'criminal-record', applicant: { nationalId: '01234567890', name: 'Rami Haddad', msisdn: '+963944123456' } }],
        ],
        as: 'portal',
      },
      { method: 'GET', url: '/v1/fee-orders/:orderRef', params: { orderRef: 'FO-0000000000AA' }, as: 'portal' },
      { method: 'GET', url: '/v1/fee-orders', query: { billerId: 'civil-registry', status: 'paid', limit: '10' }, as: 'operator' },
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
