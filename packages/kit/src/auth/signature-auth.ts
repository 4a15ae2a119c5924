// Fastify plugin: every route registered in the same encapsulated context as this plugin requires a
// valid HTTP Message Signature (docs/api.md, Common rules). Routes outside that context (/healthz, /readyz,
// /metrics, /docs) stay public, because opting in by scope cannot be forgotten on one route of a file
// the way a per-route flag can.
//
//   app.register(async (scope) => {
//     await scope.register(signatureAuth, { clients, redis, logger, onRefused });
//     await scope.register(paymentRoutes);          // request.client is set in here
//   });
//
// It works in two stages, so that a caller without a valid signature costs us its headers and nothing
// more (issue 10: four unsigned 60 MB posts used to be read whole before being refused):
//   - onRequest, before fastify reads a byte of the body: the signature headers, the clock window,
//     the key and the HMAC (which covers the Content-Digest header, so it can be checked before the
//     body it describes), a nonce already used, and a declared Content-Length over the route's limit
//     (413). A refusal here answers with `Connection: close` (see create-http-server.ts), so the
//     unread body is never pulled off the wire.
//   - preParsing: the body streams through a hash on its way to fastify's parser (no copy of our
//     own); at its end the hash must equal the signed digest. Only then is the nonce recorded.
//
// Why the nonce waits for the body: the HMAC proves the headers came from the key holder, but not the
// body. Someone who captured a signed request could send its headers first with another body; if the
// nonce were recorded on the headers, that forgery (refused: digest_mismatch) would burn the nonce
// and the genuine request would then be refused as a replay. So onRequest only LOOKS the nonce up (a
// cheap early refusal of plain replays), and the atomic SET NX, the check that counts, runs after the
// digest holds; of two authentic copies racing, exactly one wins it. A request with no body is
// complete at onRequest and records its nonce there.
import { createHash } from 'node:crypto';
import { Transform, pipeline } from 'node:stream';
import type { Readable } from 'node:stream';
import { ApiError } from '@gateway/contracts';
import { errorCodes as fastifyErrors } from 'fastify';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { requestHasher } from '../idempotency/idempotency-store.ts';
import type { AuthenticatedClient, ClientsFile } from './clients.ts';
import { indexKeys } from './clients.ts';
import { targetUriOf } from './target-uri.ts';
import { checkBodyDigest, verifySignatureHeaders } from './verify-signature.ts';
import type { HeadersVerified, RefusalReason } from './verify-signature.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The verified caller; set on routes behind signatureAuth. */
    client?: AuthenticatedClient;
    /**
     * hashRequest(method, url, exact body bytes), computed while the body streamed; set on routes
     * behind signatureAuth once the request is authentic. The idempotency fingerprint.
     */
    requestHash?: string;
  }
}

/** One refused authentication, for the append-only audit log (docs/design.md, Security). */
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
  /** Allowed distance of `created` from the server clock, either way. docs/api.md: 300 s. */
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

function pathOf(request: FastifyRequest): string {
  return (request.raw.url ?? request.url).split('?')[0] ?? '/';
}

// Methods fastify never reads a body for; whatever such a request carries is ignored, so it is not signed for.
const bodylessMethods = new Set(['GET', 'HEAD', 'TRACE']);

function declaresBody(request: FastifyRequest): boolean {
  if (bodylessMethods.has(request.method)) return false;
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/** What onRequest verified, for the body stage to finish. */
interface PendingBody {
  verified: HeadersVerified;
  limit: number;
}

// eslint-disable-next-line @typescript-eslint/require-await -- fastify plugins are async functions
const plugin: FastifyPluginAsync<SignatureAuthOptions> = async (app, options) => {
  const keys = indexKeys(options.clients);
  const windowSeconds = options.windowSeconds ?? 300;
  const clock = options.clock ?? Date.now;

  (options.logger ?? app.log).info({ clients: options.clients.length, keys: keys.size, windowSeconds }, 'signature authentication enabled');

  if (!app.hasRequestDecorator('client')) app.decorateRequest('client', undefined);
  if (!app.hasRequestDecorator('requestHash')) app.decorateRequest('requestHash', undefined);
  const pending = new WeakMap<FastifyRequest, PendingBody>();

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

  const nonceKey = (verified: HeadersVerified) => `${NONCE_KEY_PREFIX}${verified.keyId}:${verified.nonce}`;

  // The request is authentic: record its nonce and tell the route who called. SET NX is the check and
  // the record in one atomic step; the TTL is twice the window, since a request dated window seconds
  // ahead stays acceptable for 2 × window from now. If Redis is down this throws and the request
  // fails: without the replay check we must not accept it (fail closed).
  async function accept(request: FastifyRequest, verified: HeadersVerified, requestHash: string): Promise<void> {
    const fresh = await options.redis.set(nonceKey(verified), '1', 'EX', windowSeconds * 2, 'NX');
    if (fresh !== 'OK') return refuse(request, 'replayed_nonce', 'nonce already used within the window', verified.keyId);
    const { client } = verified.key;
    request.client = { clientId: client.clientId, kind: client.kind, keyId: verified.keyId, ...(client.channelId !== undefined ? { channelId: client.channelId } : {}) };
    request.requestHash = requestHash;
  }

  app.addHook('onRequest', async (request) => {
    const hasBody = declaresBody(request);
    const verified = await verifySignatureHeaders(
      { method: request.method, targetUri: targetUriOf(request), headers: request.headers, hasBody },
      { keys, windowSeconds, nowSeconds: Math.floor(clock() / 1000) },
    );
    if (!verified.ok) return refuse(request, verified.reason, verified.detail, verified.keyId);

    if (!hasBody) {
      // Complete already: a digest sent anyway must be that of the empty body.
      const refusal = checkBodyDigest(verified, createHash('sha256').digest());
      if (refusal !== undefined) return refuse(request, refusal.reason, refusal.detail, refusal.keyId);
      return accept(request, verified, requestHasher(request.method, request.url).digest('hex'));
    }

    // Not the authoritative check (that is accept's SET NX, after the body): it spares reading the
    // body of a plain replay.
    if ((await options.redis.exists(nonceKey(verified))) > 0) return refuse(request, 'replayed_nonce', 'nonce already used within the window', verified.keyId);

    const limit = request.routeOptions.bodyLimit ?? app.initialConfig.bodyLimit ?? 1_048_576;
    const declared = Number(request.headers['content-length']);
    if (declared > limit) throw new ApiError('payload_too_large', `The request body is larger than this route accepts (${limit} bytes).`, { limit });
    pending.set(request, { verified, limit });
  });

  app.addHook('preParsing', async (request, _reply, payload) => {
    const body = pending.get(request);
    if (body === undefined) return payload;
    pending.delete(request);
    const digest = createHash('sha256');
    const fingerprint = requestHasher(request.method, request.url);
    let received = 0;
    const verifying = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        received += chunk.length;
        // fastify's parser enforces the limit too; this keeps a parser that streams from hashing past it.
        if (received > body.limit) {
          done(new fastifyErrors.FST_ERR_CTP_BODY_TOO_LARGE());
          return;
        }
        digest.update(chunk);
        fingerprint.update(chunk);
        done(null, chunk);
      },
      // The body's end is held back until the request is known to be authentic: the parser, and so
      // the route, never sees a body whose digest failed.
      flush(done) {
        const refusal = checkBodyDigest(body.verified, digest.digest());
        const settle = refusal !== undefined ? refuse(request, refusal.reason, refusal.detail, refusal.keyId) : accept(request, body.verified, fingerprint.digest('hex'));
        settle.then(() => done(), done);
      },
    });
    // pipeline, not pipe: a client that aborts mid-body errors the parser's stream instead of leaving it hanging.
    pipeline(payload as Readable, verifying, () => undefined);
    return verifying;
  });
};

export const signatureAuth = fp(plugin, { name: 'gateway-signature-auth', fastify: '5.x' });

/** For handlers behind signatureAuth: the caller, or 401 if the route was mounted outside the auth scope by mistake. */
export function requireClient(request: FastifyRequest): AuthenticatedClient {
  if (request.client === undefined) throw new ApiError('unauthenticated');
  return request.client;
}
