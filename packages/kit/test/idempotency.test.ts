import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { fastify } from 'fastify';
import type { FastifyInstance } from 'fastify';
import { isApiError } from '@gateway/contracts';
import { createTestDatabase } from '@gateway/testkit';
import type { TestDatabase } from '@gateway/testkit';
import { withTransaction } from '../src/db/index.ts';
import { beginIdempotent, completeIdempotent, hashRequest, idempotent, purgeExpiredIdempotencyKeys } from '../src/idempotency/index.ts';

let db: TestDatabase;
let app: FastifyInstance;
// Lets a test hold one request inside its transaction, to observe what duplicates do meanwhile.
const gates = new Map<string, Promise<void>>();
let lockTimeoutMs = 5_000;
// Keys whose next run crashes after its effect was written (a bug, a lost connection).
const crashNext = new Set<string>();

/**
 * A route shaped like the real ones: the exact body bytes are hashed, the effect (a row in
 * `effects`) happens in the idempotency transaction, and the stored response is sent verbatim.
 */
function buildApp(): FastifyInstance {
  const server = fastify();
  server.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => done(null, body));
  server.setErrorHandler((err, _req, reply) => {
    if (isApiError(err)) return reply.code(err.status).send({ error: { code: err.code, message: err.message, requestId: 'test' } });
    return reply.code(500).send({ error: { code: 'internal_error', message: 'An internal error occurred.', requestId: 'test' } });
  });
  server.post('/v1/things', async (request, reply) => {
    const raw = request.body as string;
    const key = request.headers['idempotency-key'] as string;
    const clientId = (request.headers['x-client'] as string | undefined) ?? 'bank-a';
    const result = await idempotent({ pool: db.pool, clientId, key, requestHash: hashRequest('POST', request.url, raw), lockTimeoutMs }, async (client) => {
      const input = JSON.parse(raw) as { amount: number };
      const id = randomUUID();
      await client.query('INSERT INTO effects (id, client_id, idem_key, amount) VALUES ($1, $2, $3, $4)', [id, clientId, key, input.amount]);
      await (gates.get(key) ?? new Promise((r) => setTimeout(r, 30)));
      if (crashNext.delete(key)) throw new Error('crashed mid-request');
      return { status: 201, body: { id, amount: input.amount, createdAt: new Date().toISOString() }, headers: { 'content-type': 'application/json; charset=utf-8', location: `/v1/things/${id}` } };
    });
    reply.code(result.status).headers(result.headers);
    if (result.replayed) reply.header('idempotent-replayed', 'true');
    return reply.send(result.body);
  });
  return server;
}

function post(key: string, body: unknown, clientId = 'bank-a') {
  return app.inject({
    method: 'POST',
    url: '/v1/things',
    headers: { 'content-type': 'application/json', 'idempotency-key': key, 'x-client': clientId },
    payload: JSON.stringify(body),
  });
}

async function effectsFor(key: string): Promise<number> {
  const { rows } = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM effects WHERE idem_key = $1', [key]);
  return rows[0]?.n ?? -1;
}

beforeAll(async () => {
  db = await createTestDatabase({ poolMax: 10 });
  await db.pool.query('CREATE TABLE effects (id uuid PRIMARY KEY, client_id text, idem_key text, amount int)');
  app = buildApp();
  await app.ready();
});

afterAll(async () => {
  await app?.close();
  await db?.drop();
});

describe('idempotent requests over HTTP', () => {
  it('50 concurrent identical requests have one effect and byte-identical responses', async () => {
    const key = randomUUID();
    const body = { amount: 150000 };
    const statuses: number[] = [];
    // A 409 means "still running, retry": exactly what a bank does with the same key.
    const send = async () => {
      for (let i = 0; i < 50; i++) {
        const res = await post(key, body);
        statuses.push(res.statusCode);
        if (res.statusCode !== 409) return res;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error('still in progress after 50 retries');
    };
    const responses = await Promise.all(Array.from({ length: 50 }, send));

    expect(await effectsFor(key)).toBe(1);
    expect(new Set(responses.map((r) => r.statusCode))).toEqual(new Set([201]));
    const bodies = new Set(responses.map((r) => r.body));
    expect(bodies.size).toBe(1);
    expect(new Set(responses.map((r) => r.headers['location'])).size).toBe(1);
    expect(responses.filter((r) => r.headers['idempotent-replayed'] === 'true')).toHaveLength(49);
    expect(statuses.every((s) => s === 201 || s === 409)).toBe(true);
  });

  it('replays the first response byte for byte on a later retry', async () => {
    const key = randomUUID();
    const first = await post(key, { amount: 10 });
    const again = await post(key, { amount: 10 });
    expect(first.statusCode).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.rawPayload.equals(first.rawPayload)).toBe(true);
    expect(again.headers['content-type']).toBe(first.headers['content-type']);
    expect(await effectsFor(key)).toBe(1);
  });

  it('refuses the same key with a different body (422 idempotency_key_reused)', async () => {
    const key = randomUUID();
    expect((await post(key, { amount: 10 })).statusCode).toBe(201);
    const other = await post(key, { amount: 11 });
    expect(other.statusCode).toBe(422);
    expect(other.json()).toMatchObject({ error: { code: 'idempotency_key_reused' } });
    expect(await effectsFor(key)).toBe(1);
  });

  it('scopes keys to the client: another client may use the same key', async () => {
    const key = randomUUID();
    expect((await post(key, { amount: 10 }, 'bank-a')).statusCode).toBe(201);
    const other = await post(key, { amount: 99 }, 'wallet-b');
    expect(other.statusCode).toBe(201);
    expect(other.headers['idempotent-replayed']).toBeUndefined();
    expect(await effectsFor(key)).toBe(2);
  });

  it('answers 409 idempotency_key_in_use while the first request is still running, then replays', async () => {
    const key = randomUUID();
    let open: () => void = () => undefined;
    gates.set(key, new Promise<void>((r) => (open = r)));
    lockTimeoutMs = 300;
    try {
      const first = post(key, { amount: 5 });
      await new Promise((r) => setTimeout(r, 100));
      const second = await post(key, { amount: 5 });
      expect(second.statusCode).toBe(409);
      expect(second.json()).toMatchObject({ error: { code: 'idempotency_key_in_use' } });
      open();
      const firstRes = await first;
      expect(firstRes.statusCode).toBe(201);
      const retry = await post(key, { amount: 5 });
      expect(retry.statusCode).toBe(201);
      expect(retry.body).toBe(firstRes.body);
      expect(await effectsFor(key)).toBe(1);
    } finally {
      open();
      gates.delete(key);
      lockTimeoutMs = 5_000;
    }
  });

  it('a duplicate that arrives while the first runs waits for it and replays (within the lock timeout)', async () => {
    const key = randomUUID();
    let open: () => void = () => undefined;
    gates.set(key, new Promise<void>((r) => (open = r)));
    try {
      const first = post(key, { amount: 6 });
      await new Promise((r) => setTimeout(r, 100));
      const second = post(key, { amount: 6 });
      setTimeout(() => open(), 300);
      const [a, b] = await Promise.all([first, second]);
      expect([a.statusCode, b.statusCode]).toEqual([201, 201]);
      expect(b.headers['idempotent-replayed']).toBe('true');
      expect(b.body).toBe(a.body);
    } finally {
      open();
      gates.delete(key);
    }
  });

  it('a request that crashed leaves no trace: the retry with the same key and body runs fresh', async () => {
    const key = randomUUID();
    crashNext.add(key);
    const crashed = await post(key, { amount: 7 });
    expect(crashed.statusCode).toBe(500);
    expect(await effectsFor(key)).toBe(0);
    expect((await db.pool.query('SELECT 1 FROM idempotency_keys WHERE key = $1', [key])).rowCount).toBe(0);
    const retried = await post(key, { amount: 7 });
    expect(retried.statusCode).toBe(201);
    expect(retried.headers['idempotent-replayed']).toBeUndefined();
    expect(await effectsFor(key)).toBe(1);
  });

  it('refuses a malformed key', async () => {
    const res = await post('has space', { amount: 1 });
    expect(res.statusCode).toBe(400);
    expect((await post('x'.repeat(256), { amount: 1 })).statusCode).toBe(400);
  });
});

describe('key expiry', () => {
  it('treats a key older than 30 days as new, and purges expired keys', async () => {
    const key = randomUUID();
    expect((await post(key, { amount: 1 })).statusCode).toBe(201);
    await db.pool.query(`UPDATE idempotency_keys SET created_at = now() - interval '31 days', expires_at = now() - interval '1 day' WHERE key = $1`, [key]);
    const reused = await post(key, { amount: 2 });
    expect(reused.statusCode).toBe(201);
    expect(reused.headers['idempotent-replayed']).toBeUndefined();
    expect(await effectsFor(key)).toBe(2);

    await db.pool.query(`UPDATE idempotency_keys SET expires_at = now() - interval '1 day' WHERE key = $1`, [key]);
    expect(await purgeExpiredIdempotencyKeys(db.pool)).toBeGreaterThanOrEqual(1);
    expect((await db.pool.query('SELECT 1 FROM idempotency_keys WHERE key = $1', [key])).rowCount).toBe(0);
  });
});

describe('beginIdempotent', () => {
  it('leaves the caller transaction usable and its lock timeout unchanged after answering in_progress', async () => {
    const key = randomUUID();
    const hash = hashRequest('POST', '/x', '{}');
    let release: () => void = () => undefined;
    const held = withTransaction(db.pool, async (client) => {
      expect(await beginIdempotent(client, { clientId: 'c', key, requestHash: hash })).toEqual({ kind: 'new' });
      await new Promise<void>((r) => (release = r));
    });
    await new Promise((r) => setTimeout(r, 50));
    await withTransaction(db.pool, async (client) => {
      await client.query(`SET LOCAL lock_timeout = '42s'`);
      expect(await beginIdempotent(client, { clientId: 'c', key, requestHash: hash, lockTimeoutMs: 100 })).toEqual({ kind: 'in_progress' });
      expect((await client.query('SHOW lock_timeout')).rows[0]).toEqual({ lock_timeout: '42s' });
      expect((await client.query('SELECT 1 AS ok')).rows[0]).toEqual({ ok: 1 });
    });
    release();
    await held;
  });

  it('claims a new key in one round trip, and gives the caller back its own lock timeout, on the way to new and to a replay', async () => {
    const key = randomUUID();
    const hash = hashRequest('POST', '/x', '{}');
    await withTransaction(db.pool, async (client) => {
      // The claim is prepared once per connection (a round trip of its own the first time): done here.
      expect(await beginIdempotent(client, { clientId: 'c', key: randomUUID(), requestHash: hash })).toEqual({ kind: 'new' });
      await client.query(`SET LOCAL lock_timeout = '42s'`);
      const query = client.query.bind(client) as (...args: unknown[]) => unknown;
      let roundTrips = 0;
      (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args) => {
        roundTrips++;
        return query(...args);
      };
      try {
        expect(await beginIdempotent(client, { clientId: 'c', key, requestHash: hash })).toEqual({ kind: 'new' });
      } finally {
        delete (client as unknown as { query?: unknown }).query;
      }
      expect(roundTrips).toBe(1);
      expect((await client.query('SHOW lock_timeout')).rows[0]).toEqual({ lock_timeout: '42s' });
      await completeIdempotent(client, { clientId: 'c', key, status: 201, headers: {}, body: '{"ok":true}' });
    });
    await withTransaction(db.pool, async (client) => {
      await client.query(`SET LOCAL lock_timeout = '7s'`);
      expect(await beginIdempotent(client, { clientId: 'c', key, requestHash: hash })).toEqual({ kind: 'replay', status: 201, headers: {}, body: '{"ok":true}' });
      expect((await client.query('SHOW lock_timeout')).rows[0]).toEqual({ lock_timeout: '7s' });
    });
  });

  it("takes a key with quotes, backslashes and semicolons as it is (the claim's values are literals in SQL text)", async () => {
    const key = `it's\\a;'); DROP TABLE effects; --${randomUUID()}`;
    const hash = hashRequest('POST', '/x', '{}');
    await withTransaction(db.pool, async (client) => {
      expect(await beginIdempotent(client, { clientId: `o'brien\\`, key, requestHash: hash })).toEqual({ kind: 'new' });
      await completeIdempotent(client, { clientId: `o'brien\\`, key, status: 201, headers: {}, body: '{}' });
    });
    const { rows } = await db.pool.query<{ client_id: string; key: string }>('SELECT client_id, key FROM idempotency_keys WHERE key = $1', [key]);
    expect(rows).toEqual([{ client_id: `o'brien\\`, key }]);
    await withTransaction(db.pool, async (client) => {
      expect(await beginIdempotent(client, { clientId: `o'brien\\`, key, requestHash: hash })).toMatchObject({ kind: 'replay', status: 201 });
    });
  });

  it('hashes method, path and exact body bytes', () => {
    expect(hashRequest('post', '/a', '{"x":1}')).toBe(hashRequest('POST', '/a', Buffer.from('{"x":1}')));
    expect(hashRequest('POST', '/a', '{"x":1}')).not.toBe(hashRequest('POST', '/a', '{"x": 1}'));
    expect(hashRequest('POST', '/a', '')).not.toBe(hashRequest('POST', '/b', ''));
  });
});
