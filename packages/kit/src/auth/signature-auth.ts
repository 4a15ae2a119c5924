// Fastify plugin: every route registered in the same encapsulated context as this plugin requires a
// valid HTTP Message Signature (API.md, Common rules). Routes outside that context (/healthz, /readyz,
// /metrics, /docs) stay public, because opting in by scope cannot be forgotten on one route of a file
// the way a per-route flag can.
//
//   app.register(async (scope) => {
//     await scope.register(signatureAuth, { clients, redis, logger, onRefused });
//     await scope.register(paymentRoutes);          // request.client is set in here
//   });
//
// It runs as a preParsing hook: it has to read the raw bytes anyway (Content-Digest is over the bytes
// on the wire, not over re-serialised JSON), and checking the signature before the body is parsed
// means an unauthenticated caller learns nothing about our validation rules.
import { PassThrough } from 'node:stream';
import type { Readable } from 'node:stream';
import { ApiError } from '@gateway/contracts';
import { errorCodes as fastifyErrors } from 'fastify';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { AuthenticatedClient, ClientsFile } from './clients.ts';
import { indexKeys } from './clients.ts';
import { targetUriOf } from './target-uri.ts';
import { verifySignature } from './verify-signature.ts';
import type { RefusalReason } from './verify-signature.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The verified caller; set on routes behind signatureAuth. */
    client?: AuthenticatedClient;
    /** The exact request body bytes; set on routes behind signatureAuth. */
    rawBody?: Buffer;
  }
}

/** One refused authentication, for the append-only audit log (DESIGN.md, Security). */
export interface AuthRefusal {
  at: Date;
  reason: RefusalReason;
  detail: string;
  keyId?: string;
  clientId?: string;
  method: string;
  /** Path only: the query may carry an account number. */
  path: string;
  ip: string;
  requestId: string;
}

export interface SignatureAuthOptions {
  clients: ClientsFile;
  redis: Redis;
  /** Allowed distance of `created` from the server clock, either way. API.md: 300 s. */
  windowSeconds?: number;
  /** For the start-up line; refusals are logged on the request's logger (with its request id). */
  logger?: Logger;
  onRefused?: (refusal: AuthRefusal) => void | Promise<void>;
  /** Milliseconds since the epoch; tests move it, everything else uses the real clock. */
  clock?: () => number;
}

export const NONCE_KEY_PREFIX = 'nonce:';

function clientMessage(reason: RefusalReason, windowSeconds: number): string {
  const messages: Readonly<Record<RefusalReason, string>> = {
    missing_signature: 'Signature and Signature-Input headers are required.',
    malformed_signature: 'The Signature or Signature-Input header is malformed.',
    unsupported_algorithm: 'The signature algorithm must be hmac-sha256.',
    uncovered_components: 'The signature must cover "@method", "@target-uri" and, with a body, "content-digest".',
    missing_digest: 'A Content-Digest header with sha-256 is required with a body.',
    digest_mismatch: 'Content-Digest does not match the body.',
    stale_signature: `The signature is too old; created must be within ${windowSeconds} s of the server clock.`,
    future_signature: `The signature is dated in the future; created must be within ${windowSeconds} s of the server clock.`,
    unknown_key: 'The keyid is not known.',
    bad_signature: 'The signature does not match the request.',
    replayed_nonce: 'The nonce has already been used.',
  };
  return messages[reason];
}

async function readRawBody(payload: Readable, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of payload) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    length += buffer.length;
    // Enforced while reading, so an oversized body is never held in memory whole.
    if (length > limit) throw new fastifyErrors.FST_ERR_CTP_BODY_TOO_LARGE();
    chunks.push(buffer);
  }
  return Buffer.concat(chunks, length);
}

function pathOf(request: FastifyRequest): string {
  return (request.raw.url ?? request.url).split('?')[0] ?? '/';
}

// eslint-disable-next-line @typescript-eslint/require-await -- fastify plugins are async functions
const plugin: FastifyPluginAsync<SignatureAuthOptions> = async (app, options) => {
  const keys = indexKeys(options.clients);
  const windowSeconds = options.windowSeconds ?? 300;
  const clock = options.clock ?? Date.now;

  (options.logger ?? app.log).info({ clients: options.clients.length, keys: keys.size, windowSeconds }, 'signature authentication enabled');

  if (!app.hasRequestDecorator('client')) app.decorateRequest('client', undefined);
  if (!app.hasRequestDecorator('rawBody')) app.decorateRequest('rawBody', undefined);

  async function refuse(request: FastifyRequest, reason: RefusalReason, detail: string, keyId?: string): Promise<never> {
    const refusal: AuthRefusal = {
      at: new Date(clock()),
      reason,
      detail,
      method: request.method,
      path: pathOf(request),
      ip: request.ip,
      requestId: request.id,
  };
    if (keyId !== undefined) {
      refusal.keyId = keyId;
      const clientId = keys.get(keyId)?.client.clientId;
      if (clientId !== undefined) refusal.clientId = clientId;
    }
    request.log.warn({ auth: refusal }, 'authentication refused');
    if (options.onRefused) {
      try {
        await options.onRefused(refusal);
      } catch (error) {
        // The refusal stands either way; a broken audit sink must not turn a 401 into a 500.
        request.log.error({ err: error }, 'could not record the refused authentication');
      }
    }
    throw new ApiError('unauthenticated', clientMessage(reason, windowSeconds), { reason });
  }

  app.addHook('preParsing', async (request, _reply, payload) => {
    const body = await readRawBody(payload, request.routeOptions.bodyLimit ?? app.initialConfig.bodyLimit ?? 1_048_576);
    request.rawBody = body;

    const result = await verifySignature(
      { method: request.method, targetUri: targetUriOf(request), headers: request.headers, body },
      { keys, windowSeconds, nowSeconds: Math.floor(clock() / 1000) },
    );
    if (!result.ok) return refuse(request, result.reason, result.detail, result.keyId);

    // Only after the signature holds, so a forger cannot burn a real client's nonce. The TTL is twice
    // the window: a request dated window seconds ahead stays acceptable for 2 × window from now.
    // SET NX is the check and the record in one atomic step. If Redis is down this throws and the
    // request fails with 500: without the replay check we must not accept it (fail closed).
    const fresh = await options.redis.set(`${NONCE_KEY_PREFIX}${result.keyId}:${result.nonce}`, '1', 'EX', windowSeconds * 2, 'NX');
    if (fresh !== 'OK') return refuse(request, 'replayed_nonce', 'nonce already used within the window', result.keyId);

    const { client } = result.key;
    request.client = { clientId: client.clientId, kind: client.kind, keyId: result.keyId, ...(client.channelId !== undefined ? { channelId: client.channelId } : {}) };

    // The parser downstream reads the bytes we already consumed.
    const replay = new PassThrough();
    replay.end(body);
    return replay;
  });
};

export const signatureAuth = fp(plugin, { name: 'gateway-signature-auth', fastify: '5.x' });

/** For handlers behind signatureAuth: the caller, or 401 if the route was mounted outside the auth scope by mistake. */
export function requireClient(request: FastifyRequest): AuthenticatedClient {
  if (request.client === undefined) throw new ApiError('unauthenticated');
  return request.client;
}
