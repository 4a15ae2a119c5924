// The console tests' world: the bank adapter for real (its harness: simulators, a fresh database,
// Kafka topics of this file) serving HTTP on a free port, a console app over real Redis that signs its
// calls to it with an operator key of this run, and three operators (viewer, operator, admin) whose
// usernames are this run's, so lock-out counters never meet another run's. Not a test file itself.
import { randomBytes, randomUUID } from 'node:crypto';
import { createDeadLetterLedger } from '@gateway/kit';
import type { ClientsFile, DeadLetterLedger, HttpServer, Logger, SignatureAuthOptions } from '@gateway/kit';
import { testInfra, testKafka, testLogger, uniqueName } from '@gateway/testkit';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { buildApp as buildAdapterApp } from '../../../bank-adapter/src/app.ts';
import { createChannelSwitchStore } from '../../../bank-adapter/src/store/redis-channel-switch-store.ts';
import { startAdapterHarness } from '../../../bank-adapter/test/support/adapter-harness.ts';
import type { AdapterHarness } from '../../../bank-adapter/test/support/adapter-harness.ts';
import { buildApp } from '../../src/app.ts';
import { hashPassword } from '../../src/auth/password-hash.ts';
import { createServiceClient } from '../../src/clients/service-client.ts';
import { createOverviewHub } from '../../src/flows/overview.flow.ts';
import type { OverviewHub } from '../../src/flows/overview.flow.ts';
import type { Operator, Role } from '../../src/domain/operators.ts';
import { createConsoleAuditStore } from '../../src/store/redis-console-audit-store.ts';
import { createSessionStore } from '../../src/store/redis-session-store.ts';
import { createSignInFailureStore } from '../../src/store/redis-signin-failure-store.ts';

export const password = 'correct horse battery staple';

export type ConsoleHarness = {
  run: string;
  adapter: AdapterHarness;
  redis: Redis;
  users: Record<Role, string>;
  consoleClientId: string;
  /** The bank adapter's dead-letter ledger over its commands consumer; not started (a test that needs it starts it). */
  deadLetters: DeadLetterLedger;
  /** The apps' overview hub, not started: a test feeds it events itself; its polls ask the bank adapter (and a billing that never answers), no lag. */
  overview: OverviewHub;
  /** The console's operator key: a service a test starts itself must trust it (clients.json). */
  consoleKey: { keyId: string; secret: string };
  /** A console app; options make a second one with other settings over the same Redis and adapter. */
  build(options?: { idleMs?: number; maxAgeMs?: number; cookieSecure?: boolean; now?: () => number; maxFailures?: number; lockoutMs?: number; services?: Record<string, string>; bankAdapterUrl?: string }): Promise<HttpServer>;
  close(): Promise<void>;
};

export async function startConsoleHarness(): Promise<ConsoleHarness> {
  const run = randomUUID().slice(0, 8);
  const adapter = await startAdapterHarness();
  const redis = new Redis(testInfra().redisUrl);
  const consoleClientId = `console-${run}`;
  const key = { keyId: `console-${run}-k1`, secret: randomBytes(32).toString('base64') };
  const clients: ClientsFile = [{ clientId: consoleClientId, kind: 'operator', keys: [key] }];
  const logger = testLogger('operator-console');
  const deadLetters = createDeadLetterLedger({ kafka: testKafka(), pool: adapter.db.pool, logger, groupId: uniqueName('bank-adapter.dead-letters'), consumers: [adapter.adapter.consumer], sessionTimeoutMs: 6_000, heartbeatIntervalMs: 300 });
  const adapterApp = buildAdapterApp({
    logger,
    deadLetters,
    auth: { clients, redis, logger },
    readiness: [],
    registry: new Registry(),
    pool: adapter.db.pool,
    gateway: adapter.adapter.gateway,
    switches: createChannelSwitchStore(redis, `${run}:`),
    resultsTopic: adapter.topics.results,
  });
  const adapterUrl = await adapterApp.listen({ host: '127.0.0.1', port: 0 });

  const users: Record<Role, string> = { viewer: `viewer-${run}`, operator: `operator-${run}`, admin: `admin-${run}` };
  const passwordHash = await hashPassword(password);
  const operators: Operator[] = (Object.keys(users) as Role[]).map((role) => ({ username: users[role], displayName: `The ${role}`, role, passwordHash }));
  const apps: HttpServer[] = [];
  const hubClient = (baseUrl: string, name: string) => createServiceClient({ baseUrl, name, keyId: key.keyId, secret: key.secret, timeoutMs: 1_000 });
  const overview = createOverviewHub({
    // The bank adapter, and a billing on port 1, which never answers (the "service down" case).
    services: { 'bank-adapter': hubClient(adapterUrl, 'The bank adapter'), billing: hubClient('http://127.0.0.1:1', 'Billing') },
    // Nor does this orchestration: the intents by status come from the events.
    orchestration: hubClient('http://127.0.0.1:1', 'Payment orchestration'),
    kafkaStats: { consumerLag: () => Promise.resolve([]), deadLetterTopics: () => Promise.resolve([]) },
    now: Date.now,
    pollIntervalMs: 60_000,
    emitIntervalMs: 1_000,
  });

  return {
    run,
    adapter,
    redis,
    deadLetters,
    users,
    overview,
    consoleClientId,
    consoleKey: key,
    async build(options = {}) {
      const client = (baseUrl: string, name: string) => createServiceClient({ baseUrl, name, keyId: key.keyId, secret: key.secret, timeoutMs: 5_000 });
      // `bankAdapterUrl`: another address for it (port 1: the adapter down).
      const bankAdapter = client(options.bankAdapterUrl ?? adapterUrl, 'The bank adapter');
      const app = buildApp({
        logger,
        registry: new Registry(),
        readiness: [{ name: 'redis', check: () => redis.ping() }],
        operators,
        sessions: createSessionStore(redis, { idleMs: options.idleMs ?? 15 * 60_000, maxAgeMs: options.maxAgeMs ?? 8 * 3_600_000, ...(options.now ? { now: options.now } : {}) }),
        failures: createSignInFailureStore(redis, { windowMs: options.lockoutMs ?? 15 * 60_000 }),
        maxFailures: options.maxFailures ?? 5,
        cookieSecure: options.cookieSecure ?? false,
        bankAdapter,
        // Only the bank adapter runs here; port 1 never answers, which is the "service down" case.
        // `services`: more services by name and URL (a test's own notification, say).
        outboxServices: {
          'bank-adapter': bankAdapter,
          billing: client('http://127.0.0.1:1', 'Billing'),
          ...Object.fromEntries(Object.entries(options.services ?? {}).map(([name, url]) => [name, client(url, name)])),
        },
        overview,
        webDistDir: `/nonexistent-${run}`,
        // This run's own stream, so the console events of other test files never show in its pages.
        consoleAudit: createConsoleAuditStore(redis, { key: `console:audit:${run}` }),
        consoleClientId,
        settings: {
          consoleClientId,
          sessionIdleTimeoutMs: options.idleMs ?? 15 * 60_000,
          sessionMaxAgeMs: options.maxAgeMs ?? 8 * 3_600_000,
          sessionCookieSecure: options.cookieSecure ?? false,
          signInMaxFailures: options.maxFailures ?? 5,
          signInLockoutMs: options.lockoutMs ?? 15 * 60_000,
          serviceTimeoutMs: 5_000,
          consoleAuditMaxEntries: 10_000,
          serviceUrls: { 'bank-adapter': adapterUrl, billing: 'http://127.0.0.1:1' },
        },
      });
      await app.ready();
      apps.push(app);
      return app;
    },
    async close() {
      for (const app of apps) await app.close();
      await adapterApp.close();
      await deadLetters.stop();
      await redis.del(`console:audit:${run}`);
      await redis.quit();
      await adapter.close();
    },
  };
}

export type TrustingService = {
  url: string;
  /** The requests it received (method and URL), so a test can show that a refused one never left the console. */
  received: string[];
  close(): Promise<void>;
};

/**
 * A service's app that a test starts itself, on a free port over the real Redis, trusting this run's
 * console key (and `more` clients besides): `build` makes it with the logger and auth given.
 */
export async function serveTrustingConsole(
  h: ConsoleHarness,
  name: string,
  build: (deps: { logger: Logger; auth: SignatureAuthOptions }) => HttpServer,
  more: ClientsFile = [],
): Promise<TrustingService> {
  const redis = new Redis(testInfra().redisUrl);
  const logger = testLogger(name);
  const clients: ClientsFile = [{ clientId: h.consoleClientId, kind: 'operator', keys: [h.consoleKey] }, ...more];
  const app = build({ logger, auth: { clients, redis, logger } });
  const received: string[] = [];
  app.addHook('onRequest', (request, _reply, done) => {
    received.push(`${request.method} ${request.url}`);
    done();
  });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    url,
    received,
    async close() {
      await app.close();
      await redis.quit();
    },
  };
}

export type Reply<T = unknown> = { status: number; body: T; headers: Record<string, string | string[] | number | undefined> };

/** A browser of one console app: keeps the session cookie and sends the CSRF token it was given. */
export function browser(app: HttpServer) {
  let cookie: string | undefined;
  let csrf: string | undefined;
  async function send<T>(method: 'GET' | 'POST' | 'DELETE', url: string, body?: unknown, options: { csrf?: string | null; idempotencyKey?: string } = {}): Promise<Reply<T>> {
    const headers: Record<string, string> = {};
    if (cookie !== undefined) headers.cookie = cookie;
    const token = options.csrf === undefined ? csrf : options.csrf;
    if (method !== 'GET' && token !== undefined && token !== null) headers['x-csrf-token'] = token;
    if (options.idempotencyKey !== undefined) headers['idempotency-key'] = options.idempotencyKey;
    const res = await app.inject({ method, url, headers, ...(body === undefined ? {} : { payload: body as Record<string, unknown> }) });
    const setCookie = res.cookies.find((c) => c.name === 'console_session');
    if (setCookie) cookie = `console_session=${setCookie.value}`;
    return { status: res.statusCode, body: (res.body === '' ? undefined : res.json()) as T, headers: res.headers };
  }
  return {
    send,
    async signIn(username: string, pass = password): Promise<Reply<{ user: { role: string }; csrfToken: string }>> {
      const res = await send<{ user: { role: string }; csrfToken: string }>('POST', '/api/session', { username, password: pass });
      if (res.status === 200) csrf = res.body.csrfToken;
      return res;
    },
    get cookie() {
      return cookie;
    },
  };
}
