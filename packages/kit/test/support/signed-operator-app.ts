// What the kit's operator-route tests share: an operator and a channel client with keys of this run
// (so their signature nonces never meet another run's in the shared Redis), a signed inject as the
// console's client signs, and the app as every service mounts it over a fresh database.
import { randomBytes, randomUUID } from 'node:crypto';
import { createTestDatabase, testInfra } from '@gateway/testkit';
import type { TestDatabase } from '@gateway/testkit';
import { Redis } from 'ioredis';
import type { Pool } from 'pg';
import { signRequest } from '../../src/auth/index.ts';
import type { ClientsFile } from '../../src/auth/index.ts';
import { createHttpServer } from '../../src/http/index.ts';
import type { HttpServer } from '../../src/http/index.ts';
import type { Logger } from '../../src/logger/index.ts';

export const HOST = '127.0.0.1:3001';

export type SigningKey = { keyId: string; secret: string };

const run = randomUUID().slice(0, 8);
const key = (): SigningKey => ({ keyId: `k-${randomUUID().slice(0, 8)}-${run}`, secret: randomBytes(32).toString('base64') });

/** An operator client named `operatorClientId` and the channel client `bank-alpha`, each with a fresh key. */
export function operatorAndChannelClients(operatorClientId = 'ops-console'): { clients: ClientsFile; operatorKey: SigningKey; channelKey: SigningKey } {
  const operatorKey = key();
  const channelKey = key();
  const clients: ClientsFile = [
    { clientId: operatorClientId, kind: 'operator', keys: [operatorKey] },
    { clientId: 'bank-alpha', kind: 'channel', channelId: 'bank-alpha', keys: [channelKey] },
  ];
  return { clients, operatorKey, channelKey };
}

/** Injects `method path` into `app`, signed with `as` (null: unsigned), with `headers` besides host. */
export async function signedInject(app: HttpServer, method: 'GET' | 'POST', path: string, as: SigningKey | null, headers: Record<string, string> = {}) {
  const all: Record<string, string> = { host: HOST, ...headers };
  if (as !== null) Object.assign(all, await signRequest({ method, url: `http://${HOST}${path}`, keyId: as.keyId, secret: as.secret, headers: all }));
  return app.inject({ method, url: path, headers: all });
}

/** Each service's own migrations make audit_log; the kit's test database has only the kit's tables. */
async function createAuditLogTable(pool: Pool): Promise<void> {
  await pool.query(`CREATE TABLE audit_log (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, at timestamptz NOT NULL DEFAULT now(), actor text NOT NULL,
    action text NOT NULL, target text NOT NULL, detail jsonb NOT NULL DEFAULT '{}'::jsonb, request_id text NULL)`);
}

export type OutboxApp = { db: TestDatabase; redis: Redis; app: HttpServer; close(): Promise<void> };

/**
 * createHttpServer as every service mounts it (its outbox pool, and signature auth over the real Redis
 * for `clients`), over a fresh kit database; `auditLog`: with the audit_log table too.
 */
export async function startOutboxApp(options: { service: string; clients: ClientsFile; logger: Logger; auditLog?: boolean }): Promise<OutboxApp> {
  const { service, clients, logger } = options;
  const db = await createTestDatabase();
  if (options.auditLog === true) await createAuditLogTable(db.pool);
  const redis = new Redis(testInfra().redisUrl);
  const app = createHttpServer({ service, version: '0', logger, auth: { clients, redis, logger }, outboxPool: db.pool });
  await app.ready();
  return {
    db,
    redis,
    app,
    async close() {
      await app.close();
      await redis.quit();
      await db.drop();
    },
  };
}
