// Fastify plugins, handlers and opossum actions are async by contract even where a body has nothing to await.
/* eslint-disable @typescript-eslint/require-await */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { testInfra } from '@gateway/testkit';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { createSigner, httpbis } from 'http-message-signatures';
import { Redis } from 'ioredis';
import { z } from 'zod';
import { contentDigest, loadClients, parseClients, requireClient, signRequest } from '../src/auth/index.ts';
import type { AuthRefusal, ClientsFile } from '../src/auth/index.ts';
import { repoRoot } from '../src/config/index.ts';
import { createHttpServer } from '../src/http/index.ts';
import { hashRequest } from '../src/idempotency/index.ts';
import type { HttpServer } from '../src/http/index.ts';
import { createLogger } from '../src/logger/index.ts';

const secret = () => randomBytes(32).toString('base64');
// Unique per run, so nonces stored in the shared Redis by an earlier run never collide with this one.
const run = randomUUID().slice(0, 8);
const clients: ClientsFile = [
  { clientId: 'bank-alpha', kind: 'channel', channelId: 'bank-alpha', keys: [{ keyId: `bank-alpha-k1-${run}`, secret: secret() }, { keyId: `bank-alpha-k2-${run}`, secret: secret() }] },
  { clientId: 'citizen-portal', kind: 'portal', keys: [{ keyId: `citizen-portal-k1-${run}`, secret: secret() }] },
];
const [bank, portal] = clients as [ClientsFile[number], ClientsFile[number]];
const bankK1 = bank.keys[0]!;
const bankK2 = bank.keys[1]!;

const HOST = '127.0.0.1:3002';
const BASE = `http://${HOST}`;

const routes: FastifyPluginAsyncZod = async (app) => {
  app.post('/v1/payments', { schema: { body: z.object({ channelTxnId: z.string(), amount: z.number() }), querystring: z.object({ note: z.string().optional() }) } }, async (request, reply) => {
    const client = requireClient(request);
    return reply.code(201).send({ client, received: request.body, requestHash: request.requestHash });
  });
  app.get('/v1/bills', async (request) => ({ client: requireClient(request), query: request.query }));
  app.delete('/v1/payments', async (request) => ({ client: requireClient(request) }));
};

// The fields these tests read, from either a route's answer or an error body.
interface SentBody {
  client: { clientId: string; kind: string; channelId?: string; keyId: string };
  received: unknown;
  requestHash: string;
  error: { code: string; message: string; details: { reason: string } };
}

interface SendOptions {
  method?: string;
  path?: string;
  body?: string;
  key?: { keyId: string; secret: string };
  created?: number;
  nonce?: string;
  /** Changes what is sent after signing. */
  sentBody?: string;
  sentPath?: string;
  sentMethod?: string;
  headers?: Record<string, string>;
  edit?: (headers: Record<string, string>) => void;
}

describe('signatureAuth', () => {
  const infra = testInfra();
  const refusals: AuthRefusal[] = [];
  let redis: Redis;
  let app: HttpServer;

  beforeAll(async () => {
    redis = new Redis(infra.redisUrl);
    const logger = createLogger({ service: 'kit-auth-test', level: 'silent' });
    app = createHttpServer({
      service: 'kit-auth-test',
      version: '0',
      logger,
      routes: [routes],
      auth: { clients, redis, logger, onRefused: (r) => void refusals.push(r) },
    });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    await redis.quit();
  });

  async function send(options: SendOptions = {}) {
    const method = options.method ?? 'POST';
    const path = options.path ?? '/v1/payments';
    const body = options.body ?? (method === 'GET' ? undefined : JSON.stringify({ channelTxnId: `t-${randomUUID()}`, amount: 15000 }));
    const key = options.key ?? bankK1;
    const signed = await signRequest({ method, url: `${BASE}${path}`, body, keyId: key.keyId, secret: key.secret, created: options.created, nonce: options.nonce });
    const headers: Record<string, string> = { host: HOST, ...options.headers, ...(signed as unknown as Record<string, string>) };
    if (body !== undefined) headers['content-type'] = 'application/json';
    options.edit?.(headers);
    const res = await app.inject({ method: (options.sentMethod ?? method) as 'GET', url: options.sentPath ?? path, headers, payload: options.sentBody ?? body });
    return { status: res.statusCode, json: res.json<SentBody>(), headers: res.headers };
  }

  const now = () => Math.floor(Date.now() / 1000);

  it('accepts a validly signed request and tells the route who the client is', async () => {
    const res = await send({ body: '{"channelTxnId":"t-1","amount":15000}' });
    expect(res.status).toBe(201);
    expect(res.json.client).toEqual({ clientId: 'bank-alpha', kind: 'channel', channelId: 'bank-alpha', keyId: bankK1.keyId });
    expect(res.json.received).toEqual({ channelTxnId: 't-1', amount: 15000 });
    // The idempotency fingerprint of the exact bytes, hashed while they streamed.
    expect(res.json.requestHash).toBe(hashRequest('POST', '/v1/payments', '{"channelTxnId":"t-1","amount":15000}'));
  });

  it('accepts a GET without a body (no Content-Digest), query string included', async () => {
    const res = await send({ method: 'GET', path: '/v1/bills?billerId=syt&accountNo=0114567890', key: portal.keys[0] });
    expect(res.status).toBe(200);
    expect(res.json.client).toMatchObject({ clientId: 'citizen-portal', kind: 'portal' });
    expect(res.json.client.channelId).toBeUndefined();
  });

  it('accepts the second key of a client during rotation', async () => {
    const res = await send({ key: bankK2 });
    expect(res.status).toBe(201);
    expect(res.json.client).toMatchObject({ clientId: 'bank-alpha', keyId: bankK2.keyId });
  });

  it('refuses a tampered body (digest mismatch), and a tampered body with a recomputed digest (bad signature)', async () => {
    const tampered = await send({ body: '{"channelTxnId":"t-2","amount":100}', sentBody: '{"channelTxnId":"t-2","amount":900}' });
    expect(tampered.status).toBe(401);
    expect(tampered.json.error).toMatchObject({ code: 'unauthenticated', details: { reason: 'digest_mismatch' } });
    expect(tampered.headers['x-request-id']).toBeDefined();

    const forgedBody = '{"channelTxnId":"t-3","amount":900}';
    const redigested = await send({ body: '{"channelTxnId":"t-3","amount":100}', sentBody: forgedBody, edit: (h) => (h['content-digest'] = contentDigest(Buffer.from(forgedBody))) });
    expect(redigested.status).toBe(401);
    expect(redigested.json.error.details.reason).toBe('bad_signature');
  });

  it('refuses a request sent to another path, query or method than the one signed', async () => {
    const path = await send({ method: 'GET', path: '/v1/bills?accountNo=0111111111', sentPath: '/v1/bills?accountNo=0222222222' });
    expect(path.status).toBe(401);
    expect(path.json.error.details.reason).toBe('bad_signature');
    const method = await send({ method: 'GET', path: '/v1/payments', sentMethod: 'DELETE' });
    expect(method.status).toBe(401);
  });

  it('refuses an unknown key', async () => {
    const res = await send({ key: { keyId: 'bank-zeta-k1', secret: secret() } });
    expect(res.status).toBe(401);
    expect(res.json.error.details.reason).toBe('unknown_key');
  });

  it('refuses a key used with the wrong secret', async () => {
    const res = await send({ key: { keyId: bankK1.keyId, secret: bankK2.secret } });
    expect(res.status).toBe(401);
    expect(res.json.error.details.reason).toBe('bad_signature');
  });

  it("judges only its own sig1: another party's signature beside it is left alone", async () => {
    const res = await send({
      edit: (h) => {
        h['signature-input'] = `${h['signature-input']!}, proxy=("@method");created=1;keyid="edge-proxy"`;
        h.signature = `${h.signature!}, proxy=:AAAA:`;
      },
    });
    expect(res.status).toBe(201);
    const forged = await send({
      edit: (h) => {
        h['signature-input'] = `${h['signature-input']!}, proxy=("@method");created=1;keyid="edge-proxy"`;
        h.signature = `proxy=:AAAA:, ${h.signature!.replace(/:[^:]+:$/, ':AAAA:')}`;
      },
    });
    expect(forged.status).toBe(401);
    expect(forged.json.error.details.reason).toBe('bad_signature');
  });

  it('refuses a created more than 300 s in the past or in the future, and accepts one just inside', async () => {
    const stale = await send({ created: now() - 301 });
    expect(stale.status).toBe(401);
    expect(stale.json.error.details.reason).toBe('stale_signature');
    const future = await send({ created: now() + 301 });
    expect(future.status).toBe(401);
    expect(future.json.error.details.reason).toBe('future_signature');
    expect((await send({ created: now() - 290 })).status).toBe(201);
    expect((await send({ created: now() + 290 })).status).toBe(201);
  });

  it('refuses a reused nonce, even on an otherwise new request', async () => {
    const nonce = `n-${randomUUID()}`;
    expect((await send({ nonce })).status).toBe(201);
    const replay = await send({ nonce });
    expect(replay.status).toBe(401);
    expect(replay.json.error.details.reason).toBe('replayed_nonce');
    expect(await redis.ttl(`nonce:${bankK1.keyId}:${nonce}`)).toBeGreaterThan(590);
  });

  it('does not let a forged request burn a real nonce', async () => {
    const nonce = `n-${randomUUID()}`;
    expect((await send({ nonce, key: { keyId: bankK1.keyId, secret: secret() } })).status).toBe(401);
    expect((await send({ nonce })).status).toBe(201);
  });

  it('refuses missing or malformed headers, a missing or foreign alg, and uncovered components', async () => {
    const missing = await app.inject({ method: 'POST', url: '/v1/payments', headers: { host: HOST }, payload: { channelTxnId: 'x', amount: 1 } });
    expect(missing.statusCode).toBe(401);
    expect(missing.json<{ error: { details: { reason: string } } }>().error.details.reason).toBe('missing_signature');

    const garbage = await send({ edit: (h) => (h['signature-input'] = 'sig1=("@method" "@target-uri"') });
    expect(garbage.json.error.details.reason).toBe('malformed_signature');

    const wrongLabel = await send({ edit: (h) => (h.signature = h.signature!.replace('sig1=', 'sig2=')) });
    expect(wrongLabel.json.error.details.reason).toBe('malformed_signature');

    const noAlg = await send({ edit: (h) => (h['signature-input'] = h['signature-input']!.replace(';alg="hmac-sha256"', '')) });
    expect(noAlg.status).toBe(401);
    expect(noAlg.json.error.details.reason).toBe('unsupported_algorithm');

    const otherAlg = await send({ edit: (h) => (h['signature-input'] = h['signature-input']!.replace('hmac-sha256', 'rsa-pss-sha512')) });
    expect(otherAlg.json.error.details.reason).toBe('unsupported_algorithm');

    const noNonce = await send({ edit: (h) => (h['signature-input'] = h['signature-input']!.replace(/;nonce="[^"]*"/, '')) });
    expect(noNonce.json.error.details.reason).toBe('malformed_signature');

    // Signed correctly but over @method only: the target and the body are unprotected.
    const body = '{"channelTxnId":"t-9","amount":1}';
    const partial = await httpbis.signMessage(
      {
        key: createSigner(Buffer.from(bankK1.secret, 'base64'), 'hmac-sha256', bankK1.keyId),
        name: 'sig1',
        fields: ['@method'],
        params: ['created', 'nonce', 'keyid', 'alg'],
        paramValues: { created: new Date(), nonce: randomUUID(), keyid: bankK1.keyId, alg: 'hmac-sha256' },
      },
      { method: 'POST', url: `${BASE}/v1/payments`, headers: { 'content-digest': contentDigest(Buffer.from(body)) } },
    );
    const uncovered = await app.inject({ method: 'POST', url: '/v1/payments', headers: { ...(partial.headers as Record<string, string>), host: HOST, 'content-type': 'application/json' }, payload: body });
    expect(uncovered.statusCode).toBe(401);
    expect(uncovered.json<{ error: { details: { reason: string } } }>().error.details.reason).toBe('uncovered_components');

    // A body signed without Content-Digest at all.
    const noDigest = await send({ edit: (h) => delete h['content-digest'] });
    expect(noDigest.json.error.details.reason).toBe('missing_digest');
  });

  it('checks the signature before parsing: an unsigned caller gets 401, not a validation error', async () => {
    const res = await app.inject({ method: 'POST', url: '/v1/payments', headers: { host: HOST, 'content-type': 'application/json' }, payload: '{not json' });
    expect(res.statusCode).toBe(401);
  });

  it('reports each refusal for the audit log, with the key and client but no secrets', async () => {
    refusals.length = 0;
    await send({ created: now() - 1000 });
    expect(refusals).toHaveLength(1);
    const refusal = refusals[0]!;
    expect(refusal).toMatchObject({ reason: 'stale_signature', keyId: bankK1.keyId, clientId: 'bank-alpha', method: 'POST', path: '/v1/payments' });
    expect(refusal.requestId).toBeDefined();
    expect(JSON.stringify(refusal)).not.toContain(bankK1.secret);
  });

  it('verifies what a real HTTP client sends over a socket (fetch signs the URL it requests)', async () => {
    const logger = createLogger({ service: 'kit-auth-test', level: 'silent' });
    const server = createHttpServer({ service: 'socket', version: '0', logger, routes: [routes], auth: { clients, redis } });
    try {
      const address = await server.listen({ host: '127.0.0.1', port: 0 });
      const url = `${address}/v1/payments?note=${encodeURIComponent('a b/ç')}`;
      const body = JSON.stringify({ channelTxnId: 'sock-1', amount: 5 });
      const signed = await signRequest({ method: 'POST', url, body, keyId: bankK2.keyId, secret: bankK2.secret });
      const res = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json', ...signed } });
      expect(res.status).toBe(201);
      expect(res.headers.get('x-request-id')).toBeTruthy();
    } finally {
      await server.close();
    }
  });

  it('keeps /healthz, /metrics and /docs public', async () => {
    for (const url of ['/healthz', '/metrics', '/docs/json']) {
      expect((await app.inject({ method: 'GET', url })).statusCode).toBe(200);
    }
  });

  it('signs with RFC 9421 signature base exactly as docs/api.md describes (known-answer check)', async () => {
    const key = Buffer.from('demo-key-demo-key-demo-key-32byt');
    const body = '{"hello":"world"}';
    const headers = await signRequest({ method: 'post', url: 'https://gateway.example/v1/payments?x=1', body, keyId: 'k1', secret: key.toString('base64'), created: 1_700_000_000, nonce: 'abc' });
    const params = '("@method" "@target-uri" "content-digest");created=1700000000;nonce="abc";keyid="k1";alg="hmac-sha256"';
    const digest = contentDigest(Buffer.from(body));
    const base = [`"@method": POST`, `"@target-uri": https://gateway.example/v1/payments?x=1`, `"content-digest": ${digest}`, `"@signature-params": ${params}`].join('\n');
    expect(headers).toEqual({
      'content-digest': digest,
      'signature-input': `sig1=${params}`,
      signature: `sig1=:${createHmac('sha256', key).update(base).digest('base64')}:`,
    });
  });
});

interface RawAnswer {
  status: number;
  headers: string;
  body: { error?: { code: string; details?: { reason?: string } } };
  /** Body bytes this client had written when the server answered and closed. */
  sent: number;
}

/**
 * Sends a request over a plain socket: the head, then only the given body bytes, never the rest the
 * head announces. It settles when the server closes the connection; a server that waits for the rest
 * of the body never answers, and the test fails on its timeout.
 */
function sendPartial(port: number, head: string, bodyPart: Buffer): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    const settle = () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const split = text.indexOf('\r\n\r\n');
      if (split < 0) {
        reject(new Error(`connection closed without an answer (${text.length} bytes)`));
        return;
      }
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1]);
      resolve({ status, headers: text.slice(0, split).toLowerCase(), body: JSON.parse(text.slice(split + 4)) as RawAnswer['body'], sent: bodyPart.length });
    };
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    // A reset after the answer (we still had body bytes in flight) is the same outcome as a close.
    socket.on('error', () => undefined);
    socket.on('close', settle);
    socket.write(head);
    socket.write(bodyPart);
  });
}

describe('signatureAuth before the body is read', () => {
  const infra = testInfra();
  const routeLimit = 4096;
  let redis: Redis;
  let server: HttpServer;
  let port: number;
  const refusals: AuthRefusal[] = [];

  beforeAll(async () => {
    redis = new Redis(infra.redisUrl);
    const logger = createLogger({ service: 'kit-auth-test', level: 'silent' });
    server = createHttpServer({ service: 'early-auth', version: '0', logger, routes: [routes], auth: { clients, redis, onRefused: (r) => void refusals.push(r) }, bodyLimit: routeLimit });
    await server.listen({ host: '127.0.0.1', port: 0 });
    port = (server.server.address() as { port: number }).port;
  });
  afterAll(async () => {
    await server.close();
    await redis.quit();
  });

  const hundredMb = 100 * 1024 * 1024;
  const firstChunk = Buffer.alloc(64 * 1024, 0x20);

  function head(headers: Record<string, string>): string {
    const lines = Object.entries({ host: `127.0.0.1:${port}`, 'content-type': 'application/json', ...headers }).map(([k, v]) => `${k}: ${v}`);
    return `POST /v1/payments HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`;
  }

  async function signedHeaders(body: Buffer, key: { keyId: string; secret: string } = bankK1, nonce?: string): Promise<Record<string, string>> {
    const signed = await signRequest({ method: 'POST', url: `http://127.0.0.1:${port}/v1/payments`, body, keyId: key.keyId, secret: key.secret, nonce });
    return signed as unknown as Record<string, string>;
  }

  it('answers an unsigned POST that declares 100 MB with 401 after its first 64 KiB, and closes the connection', async () => {
    refusals.length = 0;
    const answer = await sendPartial(port, head({ 'content-length': String(hundredMb) }), firstChunk);
    expect(answer.status).toBe(401);
    expect(answer.body.error).toMatchObject({ code: 'unauthenticated', details: { reason: 'missing_signature' } });
    expect(answer.headers).toContain('connection: close');
    expect(answer.sent).toBeLessThan(hundredMb / 1000);
    expect(refusals).toEqual([expect.objectContaining({ reason: 'missing_signature', path: '/v1/payments' })]);
  });

  it('does the same for an unknown key with a chunked body of no declared length', async () => {
    const signed = await signedHeaders(Buffer.from('{}'), { keyId: `nobody-${run}`, secret: secret() });
    const chunk = Buffer.concat([Buffer.from(`${firstChunk.length.toString(16)}\r\n`), firstChunk, Buffer.from('\r\n')]);
    const answer = await sendPartial(port, head({ ...signed, 'transfer-encoding': 'chunked' }), chunk);
    expect(answer.status).toBe(401);
    expect(answer.body.error?.details?.reason).toBe('unknown_key');
    expect(answer.sent).toBeLessThan(hundredMb / 1000);
  });

  it('refuses a replayed nonce before the body, and a genuine signature over too large a Content-Length with 413', async () => {
    const nonce = `n-${randomUUID()}`;
    const body = Buffer.from(JSON.stringify({ channelTxnId: `t-${randomUUID()}`, amount: 1 }));
    const first = await fetch(`http://127.0.0.1:${port}/v1/payments`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...(await signedHeaders(body, bankK1, nonce)) } });
    expect(first.status).toBe(201);
    const replay = await sendPartial(port, head({ ...(await signedHeaders(body, bankK1, nonce)), 'content-length': String(hundredMb) }), firstChunk);
    expect(replay.status).toBe(401);
    expect(replay.body.error?.details?.reason).toBe('replayed_nonce');

    // Signed (the digest claims a body the client never sends in full): refused on the declared length alone.
    const large = Buffer.alloc(routeLimit * 2, 0x20);
    const tooLarge = await sendPartial(port, head({ ...(await signedHeaders(large)), 'content-length': String(large.length) }), Buffer.alloc(0));
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body.error).toMatchObject({ code: 'payload_too_large' });
  });

  it('answers 413 payload_too_large once a signed chunked body streams past the route limit', async () => {
    const large = Buffer.alloc(routeLimit * 2, 0x20);
    const chunk = Buffer.concat([Buffer.from(`${large.length.toString(16)}\r\n`), large, Buffer.from('\r\n')]);
    // The final zero-length chunk is never sent: the answer comes from the limit, not the body's end.
    const answer = await sendPartial(port, head({ ...(await signedHeaders(large)), 'transfer-encoding': 'chunked' }), chunk);
    expect(answer.status).toBe(413);
    expect(answer.body.error).toMatchObject({ code: 'payload_too_large' });
  });

  it('refuses a streamed body that does not match its digest, and that forgery does not burn the nonce', async () => {
    const nonce = `n-${randomUUID()}`;
    const genuine = Buffer.from(JSON.stringify({ channelTxnId: `t-${randomUUID()}`, amount: 7 }));
    const headers = await signedHeaders(genuine, bankK1, nonce);
    const forged = Buffer.from(genuine.toString().replace('"amount":7', '"amount":9'));
    const tampered = await fetch(`http://127.0.0.1:${port}/v1/payments`, { method: 'POST', body: forged, headers: { 'content-type': 'application/json', ...headers } });
    expect(tampered.status).toBe(401);
    expect(((await tampered.json()) as RawAnswer['body']).error?.details?.reason).toBe('digest_mismatch');
    const real = await fetch(`http://127.0.0.1:${port}/v1/payments`, { method: 'POST', body: genuine, headers: { 'content-type': 'application/json', ...headers } });
    expect(real.status).toBe(201);
    const again = await fetch(`http://127.0.0.1:${port}/v1/payments`, { method: 'POST', body: genuine, headers: { 'content-type': 'application/json', ...headers } });
    expect(again.status).toBe(401);
  });
});

describe('signatureAuth with a rate limit: the nonce and the count in one Redis round trip', () => {
  const infra = testInfra();
  // Its own clients, so the counters in the shared Redis are this run's alone.
  const limited: ClientsFile = [
    { clientId: `limited-${run}`, kind: 'channel', channelId: 'bank-alpha', keys: [{ keyId: `limited-k1-${run}`, secret: secret() }] },
    { clientId: `other-${run}`, kind: 'portal', keys: [{ keyId: `other-k1-${run}`, secret: secret() }] },
    { clientId: `third-${run}`, kind: 'portal', keys: [{ keyId: `third-k1-${run}`, secret: secret() }] },
  ];
  const [first, other, third] = limited.map((c) => c.keys[0]!) as [{ keyId: string; secret: string }, { keyId: string; secret: string }, { keyId: string; secret: string }];
  const keyPrefix = `test-rate-limit:${run}:`;
  let redis: Redis;
  let app: HttpServer;
  /** The name of every command this app's Redis connection sends. */
  const commands: string[] = [];

  beforeAll(async () => {
    redis = new Redis(infra.redisUrl);
    const sendCommand = redis.sendCommand.bind(redis);
    redis.sendCommand = (command, stream) => {
      commands.push(command.name.toLowerCase());
      return sendCommand(command, stream);
    };
    const logger = createLogger({ service: 'kit-auth-test', level: 'silent' });
    app = createHttpServer({ service: 'rate-limited', version: '0', logger, routes: [routes], auth: { clients: limited, redis, logger, rateLimit: { perMinute: 3, keyPrefix } } });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    await redis.quit();
  });

  async function send(key: { keyId: string; secret: string }, options: { nonce?: string; method?: 'GET' | 'POST' } = {}) {
    const method = options.method ?? 'POST';
    const path = method === 'GET' ? '/v1/bills' : '/v1/payments';
    const body = method === 'GET' ? undefined : JSON.stringify({ channelTxnId: `t-${randomUUID()}`, amount: 1 });
    const signed = await signRequest({ method, url: `${BASE}${path}`, body, keyId: key.keyId, secret: key.secret, nonce: options.nonce });
    const headers: Record<string, string> = { host: HOST, ...(signed as unknown as Record<string, string>) };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await app.inject({ method, url: path, headers, payload: body });
    return { status: res.statusCode, json: res.json<SentBody & { error: { details: { limit?: number } } }>(), headers: res.headers };
  }

  it('sends one Redis command per request, with or without a body, that records the nonce and counts the request', async () => {
    // The first request may load the script (EVALSHA answered NOSCRIPT, then EVAL); count from the second.
    expect((await send(other, { method: 'GET' })).status).toBe(200);
    commands.length = 0;
    const post = await send(other, { method: 'POST' });
    expect(post.status).toBe(201);
    expect(commands).toEqual(['evalsha']);
    commands.length = 0;
    expect((await send(other, { method: 'GET' })).status).toBe(200);
    expect(commands).toEqual(['evalsha']);
    expect(await redis.get(`${keyPrefix}${limited[1]!.clientId}`)).toBe('3');
  });

  it('refuses a replayed nonce without counting it, and answers 429 rate_limited with Retry-After past the limit, for that client only', async () => {
    const counter = `${keyPrefix}${limited[0]!.clientId}`;
    const nonce = `n-${randomUUID()}`;
    const accepted = await send(first, { nonce });
    expect(accepted.status).toBe(201);
    expect(accepted.headers['x-ratelimit-limit']).toBe('3');
    expect(accepted.headers['x-ratelimit-remaining']).toBe('2');
    const replay = await send(first, { nonce });
    expect(replay.status).toBe(401);
    expect(replay.json.error.details.reason).toBe('replayed_nonce');
    expect(await redis.get(counter)).toBe('1');

    expect((await send(first)).status).toBe(201);
    expect((await send(first, { method: 'GET' })).status).toBe(200);
    const over = await send(first);
    expect(over.status).toBe(429);
    expect(over.json.error).toMatchObject({ code: 'rate_limited', details: { limit: 3 }, requestId: expect.any(String) });
    expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(over.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(over.headers['x-ratelimit-remaining']).toBe('0');
    // The window is a minute from the first request: the counter goes away by itself.
    const ttl = await redis.pttl(counter);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
    expect((await send(third)).status).toBe(201);
  });
});

describe('@target-uri behind a proxy', () => {
  const infra = testInfra();
  let redis: Redis;
  beforeAll(() => {
    redis = new Redis(infra.redisUrl);
  });
  afterAll(async () => {
    await redis.quit();
  });

  async function sendViaProxy(trustProxy: boolean) {
    const logger = createLogger({ service: 'kit-auth-test', level: 'silent' });
    const app = createHttpServer({ service: 'proxy', version: '0', logger, routes: [routes], auth: { clients, redis }, trustProxy });
    try {
      // The client signed the public https URL; the proxy forwarded over plain http.
      const signed = await signRequest({ method: 'GET', url: 'https://pay.example.sy/v1/bills', keyId: bankK1.keyId, secret: bankK1.secret });
      const res = await app.inject({ method: 'GET', url: '/v1/bills', headers: { host: 'pay.example.sy', 'x-forwarded-proto': 'https', ...(signed as unknown as Record<string, string>) } });
      return res.statusCode;
    } finally {
      await app.close();
    }
  }

  it('uses X-Forwarded-Proto only when trustProxy is set', async () => {
    expect(await sendViaProxy(true)).toBe(200);
    expect(await sendViaProxy(false)).toBe(401);
  });
});

describe('loadClients', () => {
  it('loads the demo clients of infra/local/clients.json: 32-byte keys, two keys for bank-alpha', async () => {
    const demo = await loadClients(path.join(repoRoot, 'infra/local/clients.json'));
    const byId = new Map(demo.map((c) => [c.clientId, c]));
    expect([...byId.keys()].sort()).toEqual(['bank-alpha', 'citizen-portal', 'civil-registry', 'operator-console', 'ops-console', 'payment-orchestration', 'telecom-billing', 'wallet-one', 'wallet-two']);
    expect(byId.get('bank-alpha')?.keys.map((k) => k.keyId)).toEqual(['bank-alpha-k1', 'bank-alpha-k2']);
    expect(byId.get('wallet-one')).toMatchObject({ kind: 'channel', channelId: 'wallet-one' });
    expect(byId.get('telecom-billing')?.kind).toBe('biller');
    // The issuing authority's client is bound to its biller (fee orders of civil-registry only).
    expect(byId.get('civil-registry')).toMatchObject({ kind: 'biller', billerId: 'civil-registry' });
    expect(() => parseClients(JSON.stringify([{ clientId: 'p', kind: 'portal', billerId: 'civil-registry', keys: [{ keyId: 'p1', secret: 'AAAA' }] }]))).toThrow(/billerId is only allowed for kind biller, not portal/);
    expect(byId.get('ops-console')?.kind).toBe('operator');
    for (const client of demo) for (const key of client.keys) expect(Buffer.from(key.secret, 'base64')).toHaveLength(32);
  });

  it('names the file and the problem when it is missing or invalid', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'clients-'));
    await expect(loadClients(path.join(dir, 'absent.json'))).rejects.toThrow(`cannot load clients from ${path.join(dir, 'absent.json')}: the file does not exist`);
    const bad = path.join(dir, 'bad.json');
    await writeFile(bad, JSON.stringify([{ clientId: 'x', kind: 'bank', keys: [] }]));
    await expect(loadClients(bad)).rejects.toThrow(new RegExp(`^cannot load clients from ${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: 0\\.kind: `));
    expect(() => parseClients('{oops', 'c.json')).toThrow(/^cannot load clients from c\.json: not valid JSON/);
  });
});
