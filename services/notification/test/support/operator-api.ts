// notification's HTTP app as buildApp serves it, over a database of its own and the real Redis (for
// signature nonces), with an operator and a portal client of this run: what the operator-route tests
// share. `send` signs as the dashboard would, or leaves the request unsigned.
import { randomBytes, randomUUID } from 'node:crypto';
import type { ErrorBody } from '@gateway/contracts';
import { OPERATOR_PERSON_HEADER, signRequest } from '@gateway/kit';
import type { ClientsFile, HttpServer } from '@gateway/kit';
import { createTestDatabase, testInfra, testLogger } from '@gateway/testkit';
import type { TestDatabase } from '@gateway/testkit';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { buildApp } from '../../src/app.ts';
import { notificationMigrationsDir } from './notification-harness.ts';

const HOST = '127.0.0.1:3004';

export type Reply<T> = { status: number; body: T; payload: string; headers: Record<string, unknown> };
/** `person`: the signed-in person the operator client names (x-operator-person), as the console does. */
export type SendOptions = { as?: 'ops' | 'portal' | 'unsigned'; body?: unknown; idempotencyKey?: string | null; person?: string };

export type OperatorApi = {
  db: TestDatabase;
  app: HttpServer;
  /** The operator client's id (what the audit log records as the actor). */
  operator: string;
  /** POSTs get a fresh Idempotency-Key unless one (or null, for none) is given. */
  send<T = ErrorBody>(method: 'GET' | 'POST', path: string, options?: SendOptions): Promise<Reply<T>>;
  close(): Promise<void>;
};

/** `db`: serve over a database the caller owns (and drops), e.g. a pipeline harness's; else a fresh one. */
export async function startOperatorApi(options: { name: string; now?: () => Date; db?: TestDatabase }): Promise<OperatorApi> {
  const run = randomUUID().slice(0, 8);
  const clients: ClientsFile = [
    { clientId: `ops-${run}`, kind: 'operator', keys: [{ keyId: `ops-${run}`, secret: randomBytes(32).toString('base64') }] },
    { clientId: `portal-${run}`, kind: 'portal', keys: [{ keyId: `portal-${run}`, secret: randomBytes(32).toString('base64') }] },
  ];
  const logger = testLogger(options.name);
  const db = options.db ?? (await createTestDatabase({ migrationsDir: notificationMigrationsDir }));
  const redis = new Redis(testInfra().redisUrl);
  const app = buildApp({ logger, auth: { clients, redis, logger }, readiness: [], registry: new Registry(), pool: db.pool, ...(options.now ? { now: options.now } : {}) });
  await app.ready();

  return {
    db,
    app,
    operator: `ops-${run}`,
    async send<T = ErrorBody>(method: 'GET' | 'POST', path: string, sendOptions: SendOptions = {}): Promise<Reply<T>> {
      const as = sendOptions.as ?? 'ops';
      const payload = sendOptions.body === undefined ? undefined : JSON.stringify(sendOptions.body);
      const headers: Record<string, string> = { host: HOST };
      if (payload !== undefined) headers['content-type'] = 'application/json';
      const key = sendOptions.idempotencyKey === undefined ? (method === 'POST' ? `test-${randomUUID()}` : null) : sendOptions.idempotencyKey;
      if (key !== null) headers['idempotency-key'] = key;
      if (sendOptions.person !== undefined) headers[OPERATOR_PERSON_HEADER] = sendOptions.person;
      if (as !== 'unsigned') {
        const k = clients.find((c) => c.clientId === `${as}-${run}`)!.keys[0]!;
        Object.assign(headers, await signRequest({ method, url: `http://${HOST}${path}`, headers, body: payload, keyId: k.keyId, secret: k.secret }));
      }
      const res = await app.inject({ method, url: path, headers, ...(payload === undefined ? {} : { payload }) });
      return { status: res.statusCode, body: res.json<T>(), payload: res.payload, headers: res.headers };
    },
    async close() {
      await app.close();
      await redis.quit();
      if (options.db === undefined) await db.drop();
    },
  };
}
