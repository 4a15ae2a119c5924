import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { testLogger } from '@gateway/testkit';
import { appendAudit } from '../src/audit/index.ts';
import type { AuditRowView } from '../src/http/index.ts';
import { operatorAndChannelClients, signedInject, startOutboxApp } from './support/signed-operator-app.ts';
import type { OutboxApp, SigningKey } from './support/signed-operator-app.ts';

// GET /v1/audit-log as every service mounts it (createHttpServer with its pool and auth), over a real
// audit_log made like the services' migrations make it.
const { clients, operatorKey, channelKey } = operatorAndChannelClients();
const logger = testLogger();
let served: OutboxApp;

type Page = { entries: AuditRowView[]; nextCursor: string | null };

async function get(query: string, as: SigningKey | null = operatorKey) {
  const res = await signedInject(served.app, 'GET', `/v1/audit-log${query}`, as);
  return { status: res.statusCode, body: res.json<Page & { error?: { code: string } }>() };
}

beforeAll(async () => {
  served = await startOutboxApp({ service: 'kit-audit-test', clients, logger, auditLog: true });
  // Five rows by two people and one refusal, oldest first.
  for (let i = 1; i <= 5; i++) {
    await appendAudit(served.db.pool, {
      actor: `ops-console/${i % 2 === 0 ? 'bob' : 'alice'}`,
      action: i === 5 ? 'channel.force-on' : 'channel.force-off',
      target: `bank-${i}`,
      detail: { reason: `reason ${i}` },
      requestId: `req-${i}`,
    });
  }
  await appendAudit(served.db.pool, { actor: 'unauthenticated', action: 'auth.refused', target: '/v1/payments', detail: { count: 3 } });
}, 60_000);

afterAll(async () => {
  await served?.close();
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
    await appendAudit(served.db.pool, { actor: 'ops-console/carol', action: 'outbox.replay', target: 'late' });
    const second = await get(`?limit=4&cursor=${first.body.nextCursor}`);
    expect(second.body.entries.map((e) => e.target)).toEqual(['bank-2', 'bank-1']);
    expect(second.body.nextCursor).toBeNull();
  });

  it('filters by actor, action and since', async () => {
    const bob = await get(`?actor=${encodeURIComponent('ops-console/bob')}`);
    expect(bob.body.entries.map((e) => e.target)).toEqual(['bank-4', 'bank-2']);
    const on = await get('?action=channel.force-on');
    expect(on.body.entries.map((e) => e.target)).toEqual(['bank-5']);
    const { rows } = await served.db.pool.query<{ at: Date }>("SELECT at FROM audit_log WHERE target = 'late'");
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
