// The bank adapter's operator API served for real beside the two services' harnesses, for the tests
// where payment orchestration reads from it over signed HTTP (settlement files, the live status
// inquiry), as one operator client made for the run.
import { randomBytes, randomUUID } from 'node:crypto';
import type { ClientsFile, HttpServer } from '@gateway/kit';
import type { Logger } from '@gateway/kit';
import type { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { buildApp as buildAdapterApp } from '../../../bank-adapter/src/app.ts';
import { createChannelSwitchStore } from '../../../bank-adapter/src/store/redis-channel-switch-store.ts';
import type { AcrossServices } from './across-services.ts';

export type OperatorClient = { clientId: string; keyId: string; secret: string; clients: ClientsFile };

/** A fresh operator client (`<name>-<run>`) and the clients file that admits it. */
export function runOperatorClient(name: string): OperatorClient {
  const id = `${name}-${randomUUID().slice(0, 8)}`;
  const client = { clientId: id, keyId: id, secret: randomBytes(32).toString('base64') };
  return { ...client, clients: [{ clientId: id, kind: 'operator', keys: [{ keyId: id, secret: client.secret }] }] };
}

export async function serveAdapterOperatorApi(
  { adapter }: AcrossServices,
  deps: { operator: OperatorClient; redis: Redis; logger: Logger },
): Promise<{ app: HttpServer; baseUrl: string }> {
  const { operator, redis, logger } = deps;
  const app = buildAdapterApp({
    logger,
    auth: { clients: operator.clients, redis, logger },
    readiness: [],
    registry: new Registry(),
    pool: adapter.db.pool,
    gateway: adapter.adapter.gateway,
    // The run's own switch keys: another test's force-off never reaches this adapter.
    switches: createChannelSwitchStore(redis, `${operator.clientId}:`),
    resultsTopic: adapter.topics.results,
  });
  return { app, baseUrl: await app.listen({ host: '127.0.0.1', port: 0 }) };
}
