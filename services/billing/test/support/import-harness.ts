// Shared by billing's import, query and statement tests: a fresh migrated database, billing's app
// (buildApp) behind the real signature check (real Redis for nonces), and signed requests from test clients of
// each kind. Not a test file itself.
import { randomBytes, randomUUID } from 'node:crypto';
import type { ClientKind, ErrorBody } from '@gateway/contracts';
import { signRequest } from '@gateway/kit';
import type { ClientsFile, HttpServer } from '@gateway/kit';
import { createTestDatabase, testInfra, testLogger } from '@gateway/testkit';
import type { TestDatabase } from '@gateway/testkit';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { buildApp } from '../../src/app.ts';
import { defaultLateFeePolicy } from '../../src/domain/late-fee-policy.ts';
import type { RouteDeps } from '../../src/http/routes.ts';

export const migrationsDir = new URL('../../migrations', import.meta.url).pathname;

const HOST = '127.0.0.1:3001';

export type Caller = ClientKind | 'unsigned';

export type SendOptions = {
  as?: Caller;
  /** Signs as this clientId instead of the kind's default client (the fee billers' own clients). */
  client?: string;
  body?: unknown;
  rawBody?: string;
  /** Sent as Idempotency-Key on a POST: a fresh key per request unless given; null sends none. */
  idempotencyKey?: string | null;
};

export type Harness = {
  db: TestDatabase;
  app: HttpServer;
  send<T = ErrorBody>(
    method: 'GET' | 'POST',
    path: string,
    options?: SendOptions,
  ): Promise<{ status: number; body: T; headers: Record<string, unknown>; payload: string }>;
  count(table: string, where?: string): Promise<number>;
  close(): Promise<void>;
};

export async function startHarness(overrides: Partial<Omit<RouteDeps, 'pool' | 'logger'>> = {}): Promise<Harness> {
  const db = await createTestDatabase({ migrationsDir });
  const redis = new Redis(testInfra().redisUrl);
  const logger = testLogger('billing-http');
  // Unique key ids per run, so nonces another run left in the shared Redis never collide.
  const run = randomUUID().slice(0, 8);
  const clients: ClientsFile = [
    ...(['biller', 'operator', 'channel', 'portal'] as const).map((kind) => ({
      clientId: `test-${kind}`,
      kind,
      ...(kind === 'channel' ? { channelId: 'bank-alpha' } : {}),
      keys: [{ keyId: `test-${kind}-${run}`, secret: randomBytes(32).toString('base64') }],
    })),
    // Issuing authorities' own biller clients (fee orders of their biller only).
    ...['civil-registry', 'passports'].map((billerId) => ({
      clientId: billerId,
      kind: 'biller' as const,
      billerId,
      keys: [{ keyId: `${billerId}-${run}`, secret: randomBytes(32).toString('base64') }],
    })),
  ];
  const app = buildApp({
    logger,
    auth: { clients, redis, logger },
    readiness: [],
    registry: new Registry(),
    pool: db.pool,
    policy: defaultLateFeePolicy,
    ...overrides,
  });
  await app.ready();

  return {
    db,
    app,
    async send<T>(method: 'GET' | 'POST', path: string, options: SendOptions = {}) {
      const as = options.as ?? 'biller';
      const body = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
      const headers: Record<string, string> = { host: HOST };
      if (body !== undefined) headers['content-type'] = 'application/json';
      const idempotencyKey = options.idempotencyKey === undefined ? (method === 'POST' ? `test-${randomUUID()}` : null) : options.idempotencyKey;
      if (idempotencyKey !== null) headers['idempotency-key'] = idempotencyKey;
      if (as !== 'unsigned') {
        const key = clients.find((c) => (options.client === undefined ? c.kind === as : c.clientId === options.client))!.keys[0]!;
        Object.assign(headers, await signRequest({ method, url: `http://${HOST}${path}`, body, keyId: key.keyId, secret: key.secret }));
      }
      const res = await app.inject({ method, url: path, headers, ...(body === undefined ? {} : { payload: body }) });
      return { status: res.statusCode, body: res.json<T>(), headers: res.headers, payload: res.payload };
    },
    async count(table, where = 'true') {
      const { rows } = await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE ${where}`);
      return rows[0]!.n;
    },
    async close() {
      await app.close();
      await redis.quit();
      await db.drop();
    },
  };
}

let sequence = 0;
// Each test file has its own database; a random start only keeps numbers varied between runs.
const landlineBase = Math.floor(Math.random() * 5_000_000);

/** A Damascus landline no other row of this test file uses. */
export function aLandline(): string {
  sequence += 1;
  return `011${String((landlineBase + sequence) % 10_000_000).padStart(7, '0')}`;
}

export type RowOverrides = Record<string, unknown>;

/** A valid batch row for a new individual account, holder data included. */
export function aRow(overrides: RowOverrides = {}): Record<string, unknown> {
  sequence += 1;
  return {
    externalBillId: `ext-${randomUUID()}`,
    accountNo: aLandline(),
    period: { from: '2026-01-01', to: '2026-01-31' },
    issueDate: '2026-02-01',
    dueDate: '2026-02-28',
    amount: { amount: 125_000 + sequence, currency: 'SYP' },
    holder: { name: 'Rami Haddad', class: 'individual', msisdn: '+963944123456' },
    ...overrides,
  };
}
