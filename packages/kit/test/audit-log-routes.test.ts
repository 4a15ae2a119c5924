import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase, testInfra, testLogger } from '@gateway/testkit';
import type { TestDatabase } from '@gateway/testkit';
import { Redis } from 'ioredis';
import { appendAudit } from '../src/audit/index.ts';
import { createHttpServer } from '../src/http/index.ts';
import type { AuditRowView, HttpServer } from '../src/http/index.ts';
import { createAuditLogTable, operatorAndChannelClients, signedInject } from './support/signed-operator-app.ts';
import type { SigningKey } from './support/signed-operator-app.ts';

// GET /v1/audit-log as every service mounts it (createHttpServer with its pool and auth), over a real
// audit_log made like the services' migrations make it.
const { clients, operatorKey, channelKey } = operatorAndChannelClients();
const logger = testLogger();
let db: TestDatabase;
let redis: Redis;
let app: HttpServer;

type Page = { entries: AuditRowView[]; nextCursor: string | null };

async function get(query: string, as: SigningKey | null = operatorKey) {
  const res = await signedInject(app, 'GET', `/v1/audit-log${query}`, as);
  return { status: res.statusCode, body: res.json<Page & { error?: { code: string } }>() };
}

beforeAll(async () => {
  db = await createTestDatabase();
  await createAuditLogTable(db.pool);
  redis = new Redis(testInfra().redisUrl);
  app = createHttpServer({ service: 'kit-audit-test', version: '0', logger, auth: { clients, redis, logger }, outboxPool: db.pool });
  await app.ready();
  // Five rows by two people and one refusal, oldest first.
  for (let i = 1; i <= 5; i++) {
    await appendAudit(db.pool, {
      actor: `ops-console/${i % 2 === 0 ? 'bob' : 'alice'}`,
      action: i === 5 ? 'channel.force-on' : 'channel.force-off',
      target: `bank-${i}`,
      detail: { reason: `reason ${i}` },
      requestId: `req-${i}`,
    });
  }
  await appendAudit(db.pool, { actor: 'unauthenticated', action: 'auth.refused', target: '/v1/payments', detail: { count: 3 } });
}, 60_000);

afterAll(async () => {
  await app?.close();
  await redis?.quit();
  await db?.drop();
});

describe('GET /v1/audit-log', () => {
  it('answers the rows newest first, page by page with a keyset cursor, until nextCursor is null', async () => {
    const first = await get('?limit=4');
    expect(first.status).toBe(200);
    expect(first.body.entries.map((e) => e.target)).toEqual(['/v1/payments', 'bank-5', 'bank-4', 'bank-3']);
    expect(first.body.entries[1]).toMatchObject({ actor: 'ops-console/alice', action: 'channel.force-on', detail: { reason: 'reason 5' }, requestId: 'req-5' });
    expect(new Date(first.body.entries[0]!.at).getTime()).not.toBeNaN();
    expect(first.body.nextCursor).toBe(first.body.entries[3]!.id);

    // A row written between the pages changes neither: the cursor is a position, not an offset.
    await appendAudit(db.pool, { actor: 'ops-console/carol', action: 'outbox.replay', target: 'late' });
    const second = await get(`?limit=4&cursor=${first.body.nextCursor}`);
    expect(second.body.entries.map((e) => e.target)).toEqual(['bank-2', 'bank-1']);
    expect(second.body.nextCursor).toBeNull();
  });

  it('filters by actor, action and since', async () => {
    const bob = await get(`?actor=${encodeURIComponent('ops-console/bob')}`);
    expect(bob.body.entries.map((e) => e.target)).toEqual(['bank-4', 'bank-2']);
    const on = await get('?action=channel.force-on');
    expect(on.body.entries.map((e) => e.target)).toEqual(['bank-5']);
    const { rows } = await db.pool.query<{ at: Date }>("SELECT at FROM audit_log WHERE target = 'late'");
    const since = await get(`?since=${encodeURIComponent(rows[0]!.at.toISOString())}`);
    expect(since.body.entries.map((e) => e.target)).toEqual(['late']);
  });

  it('refuses a bad parameter with 400 invalid_request', async () => {
    for (const query of ['?limit=0', '?limit=201', '?limit=abc', '?cursor=-1', '?cursor=abc', '?since=yesterday', '?actor=a%00b', `?actor=${'x'.repeat(201)}`, '?other=1']) {
      const res = await get(query);
      expect({ query, status: res.status, code: res.body.error?.code }).toEqual({ query, status: 400, code: 'invalid_request' });
    }
  });

  it('is for operator clients only', async () => {
    expect((await get('', channelKey)).status).toBe(403);
    expect((await get('', null)).status).toBe(401);
  });
});
