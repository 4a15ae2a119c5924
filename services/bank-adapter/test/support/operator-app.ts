// The bank adapter's HTTP app as buildApp serves it, over an adapter harness's database, gateway and
// topics and the real Redis (signature nonces, channel switches under a prefix of this run), with an
// operator and a portal client of this run: what the operator-route tests share. `send` signs as the
// console's client would, or leaves the request unsigned.
import { randomBytes, randomUUID } from 'node:crypto';
import { signRequest } from '@gateway/kit';
import type { ClientsFile, HttpServer } from '@gateway/kit';
import { testInfra, testLogger } from '@gateway/testkit';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { buildApp } from '../../src/app.ts';
import { createChannelSwitchStore } from '../../src/store/redis-channel-switch-store.ts';
import type { AdapterHarness } from './adapter-harness.ts';

const HOST = '127.0.0.1:3003';

/** `signed` headers are signed with the request (x-operator-person); `unsigned` ones are added after signing. */
export type ExtraHeaders = { signed?: Record<string, string>; unsigned?: Record<string, string> };

export type OperatorApp = {
  app: HttpServer;
  /** The operator client's id (what the audit log records as the actor). */
  operator: string;
  send<T>(method: 'GET' | 'POST', path: string, as?: 'ops' | 'portal' | 'unsigned', body?: unknown, extra?: ExtraHeaders): Promise<{ status: number; body: T }>;
  close(): Promise<void>;
};

export async function startOperatorApp(h: AdapterHarness, name: string): Promise<OperatorApp> {
  const run = randomUUID().slice(0, 8);
  const clients: ClientsFile = [
    { clientId: `ops-${run}`, kind: 'operator', keys: [{ keyId: `ops-${run}`, secret: randomBytes(32).toString('base64') }] },
    { clientId: `portal-${run}`, kind: 'portal', keys: [{ keyId: `portal-${run}`, secret: randomBytes(32).toString('base64') }] },
  ];
  const redis = new Redis(testInfra().redisUrl);
  const logger = testLogger(name);
  const app = buildApp({
    logger,
    auth: { clients, redis, logger },
    readiness: [],
    registry: new Registry(),
    pool: h.db.pool,
    gateway: h.adapter.gateway,
    switches: createChannelSwitchStore(redis, `${run}:`),
    resultsTopic: h.topics.results,
  });
  await app.ready();

  return {
    app,
    operator: `ops-${run}`,
    async send<T>(method: 'GET' | 'POST', path: string, as: 'ops' | 'portal' | 'unsigned' = 'ops', body?: unknown, extra: ExtraHeaders = {}) {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const headers: Record<string, string> = { host: HOST, ...extra.signed };
      if (payload !== undefined) headers['content-type'] = 'application/json';
      if (as !== 'unsigned') {
        const key = clients.find((c) => c.clientId === `${as}-${run}`)!.keys[0]!;
        Object.assign(headers, await signRequest({ method, url: `http://${HOST}${path}`, body: payload, keyId: key.keyId, secret: key.secret, headers }));
      }
      const res = await app.inject({ method, url: path, headers: { ...headers, ...extra.unsigned }, ...(payload === undefined ? {} : { payload }) });
      return { status: res.statusCode, body: res.json<T>() };
    },
    async close() {
      await app.close();
      await redis.quit();
    },
  };
}
