// Which errors the HTTP error handler answers 503 service_unavailable with Retry-After (issue 10 item
// 11): the real errors each client library raises when its server is unreachable, not look-alikes,
// and nothing else (a statement's own error stays what it was).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase, freePort, testLogger } from '@gateway/testkit';
import type { TestDatabase } from '@gateway/testkit';
import { Redis } from 'ioredis';
import { createKafka } from '../src/kafka/index.ts';
import { createPool } from '../src/db/index.ts';
import { mapError } from '../src/http/index.ts';
import { dependencyDown } from '../src/lifecycle/index.ts';

let db: TestDatabase;
let closedPort: number;

beforeAll(async () => {
  db = await createTestDatabase();
  closedPort = await freePort();
});

afterAll(async () => {
  await db.drop();
});

async function caught(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a failure');
}

function expect503(err: unknown): void {
  const mapped = mapError(err, 'req-1');
  expect(mapped.status).toBe(503);
  expect(mapped.body.error.code).toBe('service_unavailable');
  expect(mapped.retryAfterSeconds).toBeGreaterThan(0);
}

describe('dependency errors', () => {
  it('Postgres unreachable: 503', async () => {
    const pool = createPool({ connectionString: `postgres://gateway:gateway@127.0.0.1:${closedPort}/x`, connectionTimeoutMs: 1_000 });
    const err = await caught(() => pool.query('SELECT 1'));
    await pool.end();
    expect(dependencyDown(err)).toBe('postgres');
    expect503(err);
  });

  it('Postgres connection terminated mid-query (the server ended the session): 503', async () => {
    const pool = createPool({ connectionString: db.url, max: 2 });
    const client = await pool.connect();
    const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    const err = await caught(() =>
      Promise.all([client.query('SELECT pg_sleep(5)'), db.pool.query('SELECT pg_sleep(0.2), pg_terminate_backend($1)', [rows[0]!.pid])]),
    );
    client.release(true);
    await pool.end();
    expect(dependencyDown(err)).toBe('postgres');
    expect503(err);
  });

  it('Postgres pool saturated (every connection busy past the connect timeout): 503, so the caller retries with its key', async () => {
    const pool = createPool({ connectionString: db.url, max: 1, connectionTimeoutMs: 200 });
    const busy = await pool.connect();
    const err = await caught(() => pool.query('SELECT 1'));
    busy.release();
    await pool.end();
    expect((err as Error).message).toContain('timeout exceeded when trying to connect');
    expect(dependencyDown(err)).toBe('postgres');
    expect503(err);
  });

  it('Redis unreachable (MaxRetriesPerRequestError): 503', async () => {
    const redis = new Redis({ port: closedPort, host: '127.0.0.1', maxRetriesPerRequest: 1, retryStrategy: () => 50, lazyConnect: true });
    redis.on('error', () => undefined);
    const err = await caught(() => redis.set('k', 'v'));
    redis.disconnect();
    expect(dependencyDown(err)).toBe('redis');
    expect503(err);
  });

  it('Kafka unreachable: 503', async () => {
    const kafka = createKafka({ brokers: [`127.0.0.1:${closedPort}`], clientId: 'dependency-down-test', logger: testLogger('kafka').child({}, { level: 'silent' }) });
    const producer = kafka.producer({ retry: { retries: 1, initialRetryTime: 50 } });
    const err = await caught(() => producer.connect());
    expect(dependencyDown(err)).toBe('kafka');
    expect503(err);
  });

  it('a statement that fails on its own (a unique violation) is not a dependency outage: 500', async () => {
    await db.pool.query('CREATE TABLE IF NOT EXISTS dd_unique (id int PRIMARY KEY)');
    await db.pool.query('INSERT INTO dd_unique VALUES (1) ON CONFLICT DO NOTHING');
    const err = await caught(() => db.pool.query('INSERT INTO dd_unique VALUES (1)'));
    expect(dependencyDown(err)).toBeUndefined();
    expect(mapError(err, 'req-1')).toMatchObject({ status: 500, body: { error: { code: 'internal_error' } } });
  });
});
