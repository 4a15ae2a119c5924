// Fastify plugins, handlers and opossum actions are async by contract even where a body has nothing to await.
/* eslint-disable @typescript-eslint/require-await */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Writable } from 'node:stream';
import { ApiError } from '@gateway/contracts';
import { testInfra } from '@gateway/testkit';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { Redis } from 'ioredis';
import pg from 'pg';
import { z } from 'zod';
import { createHttpServer } from '../src/http/index.ts';
import type { HttpServer, ReadinessCheck } from '../src/http/index.ts';
import { createLogger } from '../src/logger/index.ts';

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const demoRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post(
    '/v1/echo',
    {
      schema: {
        summary: 'Echo a payment-like body',
        body: z.object({ accountNo: z.string().min(3), amount: z.object({ amount: z.number().int().positive(), currency: z.string().length(3) }) }),
        response: { 200: z.object({ accountNo: z.string(), amount: z.number() }) },
      },
    },
    async (request) => ({ accountNo: request.body.accountNo, amount: request.body.amount.amount }),
  );
  app.get('/v1/boom', async () => {
    throw new Error('password=hunter2 at db-primary.internal:5432');
  });
  app.get('/v1/already-paid', async () => {
    throw new ApiError('bill_already_paid', 'Bill b-1 is already paid.');
  });
  app.get('/v1/unavailable', async () => {
    throw new ApiError('channel_unavailable', 'breaker bank-alpha open since 10:02 (internal detail)');
  });
  app.get('/v1/context', async (request) => ({ requestId: request.id, correlationId: request.correlationId }));
};

function captureLogs(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  return {
    stream: new Writable({
      write(chunk: Buffer, _e, cb) {
        chunks.push(chunk.toString());
        cb();
      },
    }),
    text: () => chunks.join(''),
  };
}

interface ErrorResponse {
  error: { code: string; message: string; requestId: string; details?: Record<string, unknown> };
}

describe('createHttpServer', () => {
  const logs = captureLogs();
  let app: HttpServer;

  beforeAll(async () => {
    app = createHttpServer({ service: 'kit-test', version: '1.2.3', logger: createLogger({ service: 'kit-test', level: 'debug', destination: logs.stream }), routes: [demoRoutes] });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
  });

  it('puts a generated X-Request-Id on a successful response', async () => {
    const res = await app.inject({ method: 'POST', url: '/v1/echo', payload: { accountNo: '0114567890', amount: { amount: 100, currency: 'SYP' } } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ accountNo: '0114567890', amount: 100 });
    expect(res.headers['x-request-id']).toMatch(uuid);
  });

  it('keeps a well-formed incoming X-Request-Id and X-Correlation-Id, and replaces a malformed one', async () => {
    const kept = await app.inject({ method: 'GET', url: '/v1/context', headers: { 'x-request-id': 'bank-req-123', 'x-correlation-id': 'flow-9' } });
    expect(kept.headers['x-request-id']).toBe('bank-req-123');
    expect(kept.headers['x-correlation-id']).toBe('flow-9');
    expect(kept.json()).toEqual({ requestId: 'bank-req-123', correlationId: 'flow-9' });

    const replaced = await app.inject({ method: 'GET', url: '/v1/context', headers: { 'x-request-id': 'evil\u0001id with spaces' } });
    expect(replaced.headers['x-request-id']).toMatch(uuid);
    expect(replaced.json()).toEqual({ requestId: replaced.headers['x-request-id'], correlationId: replaced.headers['x-request-id'] });
  });

  it('logs every line of a request with its request id and correlation id', async () => {
    await app.inject({ method: 'GET', url: '/v1/boom', headers: { 'x-request-id': 'trace-me-1', 'x-correlation-id': 'corr-1' } });
    const lines = logs.text().trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.requestId === 'trace-me-1');
    expect(lines.length).toBeGreaterThanOrEqual(2);
    for (const line of lines) expect(line.correlationId).toBe('corr-1');
  });

  it('answers a validation failure with 400 invalid_request naming the fields', async () => {
    const res = await app.inject({ method: 'POST', url: '/v1/echo', payload: { accountNo: '0114567890', amount: { amount: -5, currency: 'SYP' } } });
    expect(res.statusCode).toBe(400);
    const body = res.json<ErrorResponse>();
    expect(body.error.code).toBe('invalid_request');
    expect(body.error.message).toContain('body.amount.amount');
    expect(body.error.requestId).toBe(res.headers['x-request-id']);
    const missing = await app.inject({ method: 'POST', url: '/v1/echo', payload: { amount: { amount: 5, currency: 'SYP' } } });
    expect(missing.json<ErrorResponse>().error.message).toContain('body.accountNo');
  });

  it('hides the text of an unexpected error behind 500 internal_error, and logs it with the request id', async () => {
    const res = await app.inject({ method: 'GET', url: '/v1/boom' });
    expect(res.statusCode).toBe(500);
    const body = res.json<ErrorResponse>();
    expect(body).toEqual({ error: { code: 'internal_error', message: 'An internal error occurred.', requestId: res.headers['x-request-id'] } });
    expect(res.body).not.toContain('hunter2');
    expect(res.body).not.toContain('db-primary');
    const logged = logs.text().split('\n').find((l) => l.includes(String(res.headers['x-request-id'])) && l.includes('hunter2'));
    expect(logged).toBeDefined();
  });

  it('maps an ApiError to its catalogue status, and never shows a 5xx ApiError text', async () => {
    const paid = await app.inject({ method: 'GET', url: '/v1/already-paid' });
    expect(paid.statusCode).toBe(409);
    expect(paid.json<ErrorResponse>().error).toMatchObject({ code: 'bill_already_paid', message: 'Bill b-1 is already paid.' });
    const down = await app.inject({ method: 'GET', url: '/v1/unavailable' });
    expect(down.statusCode).toBe(503);
    expect(down.json<ErrorResponse>().error.code).toBe('channel_unavailable');
    expect(down.body).not.toContain('internal detail');
  });

  it('answers an unknown route with 404 not_found and a request id', async () => {
    const res = await app.inject({ method: 'GET', url: '/v1/nothing-here?accountNo=1' });
    expect(res.statusCode).toBe(404);
    expect(res.json<ErrorResponse>().error.code).toBe('not_found');
    expect(res.headers['x-request-id']).toMatch(uuid);
  });

  it('answers bad JSON and a wrong content type with 400 invalid_request, a body over the limit with 413 payload_too_large, never 500', async () => {
    const badJson = await app.inject({ method: 'POST', url: '/v1/echo', headers: { 'content-type': 'application/json' }, payload: '{"accountNo": ' });
    expect(badJson.statusCode).toBe(400);
    expect(badJson.json<ErrorResponse>().error).toMatchObject({ code: 'invalid_request', message: 'The request body is not valid JSON.' });
    expect(badJson.headers['x-request-id']).toBeDefined();

    const wrongType = await app.inject({ method: 'POST', url: '/v1/echo', headers: { 'content-type': 'text/csv' }, payload: 'a,b' });
    expect(wrongType.statusCode).toBe(400);
    expect(wrongType.json<ErrorResponse>().error.code).toBe('invalid_request');

    // 300 KB: over the 256 KiB default a route gets unless it sets its own limit.
    const huge = await app.inject({ method: 'POST', url: '/v1/echo', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ accountNo: 'x'.repeat(300_000) }) });
    expect(huge.statusCode).toBe(413);
    expect(huge.json<ErrorResponse>().error).toMatchObject({ code: 'payload_too_large', message: 'The request body is larger than this route accepts.' });

    const badUrl = await app.inject({ method: 'GET', url: '/v1/context/%E0%A4%A' });
    expect(badUrl.statusCode).toBe(400);
    expect(badUrl.json<ErrorResponse>().error.code).toBe('invalid_request');
    expect(badUrl.headers['x-request-id']).toBeDefined();

    const empty = await app.inject({ method: 'POST', url: '/v1/echo', headers: { 'content-type': 'application/json' }, payload: '' });
    expect(empty.statusCode).toBe(400);
  });

  it('serves liveness at /healthz', async () => {
    const res = await app.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
    expect(res.headers['x-request-id']).toBeDefined();
  });

  it('exposes default metrics and the request-duration histogram by route, method and status', async () => {
    await app.inject({ method: 'GET', url: '/v1/already-paid' });
    const res = await app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.body).toContain('process_cpu_user_seconds_total');
    expect(res.body).toMatch(/http_request_duration_seconds_bucket\{.*method="GET".*route="\/v1\/already-paid".*status_code="409".*\}/);
    expect(res.body).toContain('service="kit-test"');
    // Unmatched URLs share one label, so a scan of random paths cannot create unbounded series.
    expect(res.body).toContain('route="unmatched"');
    expect(res.body).not.toContain('nothing-here');
  });

  it('serves an OpenAPI document generated from the zod schemas at /docs/json, and the UI at /docs', async () => {
    const res = await app.inject({ method: 'GET', url: '/docs/json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json<{ openapi: string; info: { title: string; version: string }; paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: { properties: Record<string, unknown>; required: string[] } }> } }>> }>();
    expect(doc.openapi).toMatch(/^3\./);
    expect(doc.info).toMatchObject({ title: 'kit-test', version: '1.2.3' });
    const schema = doc.paths['/v1/echo']?.post?.requestBody?.content['application/json']?.schema;
    expect(schema?.properties).toHaveProperty('accountNo');
    expect(schema?.required).toEqual(expect.arrayContaining(['accountNo', 'amount']));
    expect(doc.paths).toHaveProperty('/readyz');
    const ui = await app.inject({ method: 'GET', url: '/docs' });
    expect([200, 302]).toContain(ui.statusCode);
  });
});

describe('/readyz', () => {
  const infra = testInfra();
  let redis: Redis;
  let postgres: pg.Client;

  beforeAll(async () => {
    redis = new Redis(infra.redisUrl, { lazyConnect: true });
    await redis.connect();
    postgres = new pg.Client({ connectionString: infra.databaseAdminUrl });
    await postgres.connect();
  });
  afterAll(async () => {
    redis.disconnect();
    await postgres.end();
  });

  const redisCheck = (): ReadinessCheck => ({ name: 'redis', check: () => redis.ping() });
  const postgresCheck = (): ReadinessCheck => ({ name: 'postgres', check: () => postgres.query('select 1') });

  async function readyz(readiness: ReadinessCheck[]) {
    const app = createHttpServer({ service: 'kit-test', version: '0', logger: createLogger({ service: 'kit-test', level: 'silent' }), readiness, readinessTimeoutMs: 300 });
    try {
      const res = await app.inject({ method: 'GET', url: '/readyz' });
      return { status: res.statusCode, body: res.json<{ status: string; checks: Record<string, { status: string }> }>(), raw: res.body };
    } finally {
      await app.close();
    }
  }

  it('is 200 ready when real Redis and Postgres answer', async () => {
    const res = await readyz([redisCheck(), postgresCheck()]);
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('ready');
    expect(res.body.checks).toMatchObject({ redis: { status: 'up' }, postgres: { status: 'up' } });
  });

  it('is 503 naming the check that failed, and the one that timed out', async () => {
    const deadPostgres: ReadinessCheck = {
      name: 'postgres',
      check: async () => {
        // Nothing listens on port 1: the connection is refused at once.
        const client = new pg.Client({ connectionString: 'postgres://gateway:gateway@127.0.0.1:1/postgres', connectionTimeoutMillis: 1_000 });
        try {
          await client.connect();
        } finally {
          await client.end().catch(() => undefined);
        }
      },
    };
    const hanging: ReadinessCheck = { name: 'kafka', check: () => new Promise(() => undefined) };
    const res = await readyz([redisCheck(), deadPostgres, hanging]);
    expect(res.status).toBe(503);
    expect(res.body.status).toBe('not_ready');
    expect(res.body.checks).toMatchObject({ redis: { status: 'up' }, postgres: { status: 'down' }, kafka: { status: 'timeout' } });
    expect(res.raw).not.toContain('ECONNREFUSED');
  });
});
