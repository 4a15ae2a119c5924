// Refused authentications reach billing's append-only audit_log, aggregated (issue 10 item 9): a
// flood of bad signatures becomes a bounded number of rows whose counts add up to the flood.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes, randomUUID } from 'node:crypto';
import { AUTH_REFUSED_ACTION, AUTH_REFUSED_OVERFLOW_ACTION, createRefusalAudit, signRequest } from '@gateway/kit';
import type { ClientsFile, HttpServer, RefusalAudit } from '@gateway/kit';
import { createTestDatabase, testInfra, testLogger } from '@gateway/testkit';
import type { TestDatabase } from '@gateway/testkit';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { buildApp } from '../src/app.ts';
import { defaultLateFeePolicy } from '../src/domain/late-fee-policy.ts';
import { migrationsDir } from './support/import-harness.ts';

const HOST = '127.0.0.1:3001';
const run = randomUUID().slice(0, 8);
const keyId = `test-biller-${run}`;
const clients: ClientsFile = [{ clientId: 'test-biller', kind: 'biller', keys: [{ keyId, secret: randomBytes(32).toString('base64') }] }];

interface RefusedRow {
  actor: string;
  action: string;
  target: string;
  detail: { reason?: string; keyId?: string | null; clientId?: string | null; ip?: string; path?: string; method?: string; count: number };
}

describe('refused authentications in the audit log', () => {
  let db: TestDatabase;
  let redis: Redis;
  let app: HttpServer;
  let audit: RefusalAudit;
  const maxKeys = 20;

  beforeAll(async () => {
    db = await createTestDatabase({ migrationsDir });
    redis = new Redis(testInfra().redisUrl);
    const logger = testLogger('billing-audit');
    // Flushed by the test, not the clock, so what each flush holds is known.
    audit = createRefusalAudit({ pool: db.pool, logger, flushIntervalMs: 3_600_000, maxKeys });
    app = buildApp({
      logger,
      auth: { clients, redis, logger, onRefused: (refusal) => audit.record(refusal) },
      readiness: [],
      registry: new Registry(),
      pool: db.pool,
      policy: defaultLateFeePolicy,
    });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    await audit.stop();
    await redis.quit();
    await db.drop();
  });

  async function refusedRows(): Promise<RefusedRow[]> {
    const { rows } = await db.pool.query<RefusedRow>("SELECT actor, action, target, detail FROM audit_log WHERE action LIKE 'auth.refused%' ORDER BY id");
    return rows;
  }

  /** A request signed with the client's key id but a wrong secret: bad_signature. */
  async function badlySigned(path: string, ip = '203.0.113.7') {
    const headers = await signRequest({ method: 'GET', url: `http://${HOST}${path}`, keyId, secret: randomBytes(32).toString('base64') });
    return app.inject({ method: 'GET', url: path, headers: { host: HOST, ...(headers as unknown as Record<string, string>) }, remoteAddress: ip });
  }

  it('writes 1,000 bad-signature requests as a few rows whose counts sum to 1,000, with client, key, reason, path and source', async () => {
    const before = (await refusedRows()).length;
    const paths = ['/v1/accounts/0114567890', '/v1/accounts/0114567890/bills'];
    for (let i = 0; i < 1_000; i += 50) {
      const batch = Array.from({ length: 50 }, (_, j) => badlySigned(paths[(i + j) % 2]!));
      for (const res of await Promise.all(batch)) expect(res.statusCode).toBe(401);
      // Mid-flood flushes: each writes one row per (source, key, reason, path), not one per request.
      if (i === 500) await audit.flush();
    }
    await audit.flush();

    const rows = (await refusedRows()).slice(before);
    expect(rows.length).toBeLessThanOrEqual(4);
    expect(rows.reduce((sum, r) => sum + r.detail.count, 0)).toBe(1_000);
    for (const row of rows) {
      expect(row).toMatchObject({ actor: 'test-biller', action: AUTH_REFUSED_ACTION, detail: { reason: 'bad_signature', keyId, clientId: 'test-biller', ip: '203.0.113.7', method: 'GET' } });
      expect(paths).toContain(row.target);
      expect(row.detail.path).toBe(row.target);
    }
  });

  it('holds at most maxKeys distinct windows; the rest are counted in one overflow row', async () => {
    const before = (await refusedRows()).length;
    const sources = 50;
    for (let i = 0; i < sources; i++) expect((await badlySigned('/v1/accounts/0114567890', `198.51.100.${i + 1}`)).statusCode).toBe(401);
    await audit.flush();
    const rows = (await refusedRows()).slice(before);
    expect(rows.filter((r) => r.action === AUTH_REFUSED_ACTION)).toHaveLength(maxKeys);
    const overflow = rows.filter((r) => r.action === AUTH_REFUSED_OVERFLOW_ACTION);
    expect(overflow).toHaveLength(1);
    expect(overflow[0]!.detail.count).toBe(sources - maxKeys);
    expect(rows.reduce((sum, r) => sum + r.detail.count, 0)).toBe(sources);
  });

  it('records an unsigned caller as unauthenticated, with no key id', async () => {
    const before = (await refusedRows()).length;
    expect((await app.inject({ method: 'GET', url: '/v1/accounts/0114567890', headers: { host: HOST }, remoteAddress: '192.0.2.9' })).statusCode).toBe(401);
    await audit.flush();
    const rows = (await refusedRows()).slice(before);
    expect(rows).toEqual([expect.objectContaining({ actor: 'unauthenticated', target: '/v1/accounts/0114567890', detail: expect.objectContaining({ reason: 'missing_signature', keyId: null, ip: '192.0.2.9', count: 1 }) })]);
  });

  it('keeps the audit log append-only: UPDATE, DELETE and TRUNCATE fail', async () => {
    expect((await refusedRows()).length).toBeGreaterThan(0);
    await expect(db.pool.query("UPDATE audit_log SET actor = 'someone-else'")).rejects.toThrow(/append-only/);
    await expect(db.pool.query('DELETE FROM audit_log')).rejects.toThrow(/append-only/);
    await expect(db.pool.query('TRUNCATE audit_log')).rejects.toThrow(/append-only/);
  });
});
