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
//
// One Redis round trip per request (issue 12): recording the nonce and, where the service has a
// per-client rate limit, counting the request are one Lua script (acceptRequestLua), and the early
// look-up is made only for a body large enough to be worth sparing (see replayLookupAboveBytes).
import { createHash } from 'node:crypto';
import { Transform, finished } from 'node:stream';
import type { Readable } from 'node:stream';
import { ApiError } from '@gateway/contracts';
import { errorCodes as fastifyErrors } from 'fastify';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { requestHasher } from '../idempotency/idempotency-store.ts';
import type { AuthenticatedClient, ClientsFile } from './clients.ts';
import { indexKeys } from './clients.ts';
import { OPERATOR_PERSON_HEADER } from './sign-request.ts';
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
  /**
   * A per-client budget of authenticated requests a minute, shared by every instance through Redis
   * and counted in the same round trip as the nonce. Past it: 429 rate_limited with Retry-After.
   */
  rateLimit?: RateLimitOptions;
}

export interface RateLimitOptions {
  perMinute: number;
  /** The Redis key of a client's counter is this plus its clientId. */
  keyPrefix?: string;
}

export const NONCE_KEY_PREFIX = 'nonce:';

const rateWindowMs = 60_000;

// KEYS[1]: the nonce; KEYS[2]: the client's request counter. ARGV[1]: the nonce's TTL in seconds;
// ARGV[2]: the counting window in ms, 0 for no counting. Returns {fresh, count, counter's ttl ms}.
// A replayed nonce is not counted (as before: only an accepted request spends budget). The window
// is fixed, starting at the first request, as @fastify/rate-limit's Redis store counted it.
const acceptRequestLua = `
if not redis.call('SET', KEYS[1], '1', 'EX', ARGV[1], 'NX') then return {0, 0, 0} end
local window = tonumber(ARGV[2])
if window == 0 then return {1, 0, 0} end
local count = redis.call('INCR', KEYS[2])
local ttl = redis.call('PTTL', KEYS[2])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[2], window)
  ttl = window
end
return {1, count, ttl}`;

type AcceptRequestCommand = (nonceKey: string, counterKey: string, nonceTtlSeconds: number, windowMs: number) => Promise<[number, number, number]>;

/** The script as an ioredis command (EVALSHA, loaded on first use), defined once per connection. */
function acceptRequestCommand(redis: Redis): AcceptRequestCommand {
  const commands = redis as unknown as { gatewayAcceptRequest?: AcceptRequestCommand };
  if (commands.gatewayAcceptRequest === undefined) redis.defineCommand('gatewayAcceptRequest', { numberOfKeys: 2, lua: acceptRequestLua });
  const command = commands.gatewayAcceptRequest as AcceptRequestCommand;
  return (...args) => command.apply(redis, args);
}

// Below this a body is read before its nonce is looked at: reading a few KB costs less than the
// extra Redis round trip that would spare it, for every genuine request. Above it (and for a body of
// unknown length) the replay is refused before the body is read, as issue 10 wants.
const replayLookupAboveBytes = 16_384;

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

/** A username as the console's operators file spells them: short, printable, no separators to forge an actor with. */
function operatorPersonOf(value: string | string[] | undefined): string | undefined {
  return typeof value === 'string' && /^[A-Za-z0-9._-]{1,64}$/.test(value) ? value : undefined;
}

function pathOf(request: FastifyRequest): string {
  return (request.raw.url ?? request.url).split('?')[0] ?? '/';
}

// Methods fastify never reads a body for; whatever such a request carries is ignored, so it is not signed for.
const bodylessMethods = new Set(['GET', 'HEAD', 'TRACE']);

/** Whether to look the nonce up before reading the body: a large body, or one of unknown length. */
function worthAnEarlyLookup(request: FastifyRequest): boolean {
  const length = request.headers['content-length'];
  return length === undefined || !(Number(length) <= replayLookupAboveBytes);
}

function declaresBody(request: FastifyRequest): boolean {
  if (bodylessMethods.has(request.method)) return false;
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * An error of the body stage as the error handler must see it. fastify gives an error from the body's
 * stream without a status of its own a 400 (a client that broke its body off); an ApiError keeps its
 * code, but Redis down while the nonce was recorded is not the caller's fault: with a status of 500
 * the handler looks at its cause, and answers 503 with Retry-After for a dependency that is down.
 */
function bodyStageError(error: unknown): Error {
  if (error instanceof ApiError) return error;
  return Object.assign(new Error('the request could not be authenticated', { cause: error }), { statusCode: 500 });
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
  const acceptRequest = acceptRequestCommand(options.redis);
  const rateLimit = options.rateLimit;
  const counterPrefix = rateLimit?.keyPrefix ?? 'rate-limit:';

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

  // The request is authentic: record its nonce, count it against the client's budget, and tell the
  // route who called. SET NX is the check and the record in one atomic step; the TTL is twice the
  // window, since a request dated window seconds ahead stays acceptable for 2 × window from now. If
  // Redis is down this throws and the request fails: without the replay check we must not accept it
  // (fail closed; the rate limit, in the same script, has nothing to add then).
  async function accept(request: FastifyRequest, reply: FastifyReply, verified: HeadersVerified, requestHash: string): Promise<void> {
    const { client } = verified.key;
    const [fresh, count, ttlMs] = await acceptRequest(nonceKey(verified), `${counterPrefix}${client.clientId}`, windowSeconds * 2, rateLimit ? rateWindowMs : 0);
    if (fresh !== 1) return refuse(request, 'replayed_nonce', 'nonce already used within the window', verified.keyId);
    request.client = { clientId: client.clientId, kind: client.kind, keyId: verified.keyId, ...(client.channelId !== undefined ? { channelId: client.channelId } : {}), ...(client.billerId !== undefined ? { billerId: client.billerId } : {}) };
    // Only an operator client may say whom it acts for; anyone else's claim is ignored.
    const person = operatorPersonOf(request.headers[OPERATOR_PERSON_HEADER]);
    if (client.kind === 'operator' && person !== undefined) request.client.person = person;
    request.requestHash = requestHash;
    if (rateLimit === undefined) return;
    // The headers @fastify/rate-limit sent, which this replaces.
    const resetSeconds = Math.max(1, Math.ceil(ttlMs / 1000));
    void reply.header('x-ratelimit-limit', rateLimit.perMinute).header('x-ratelimit-reset', resetSeconds);
    if (count <= rateLimit.perMinute) {
      void reply.header('x-ratelimit-remaining', rateLimit.perMinute - count);
      return;
    }
    void reply.header('x-ratelimit-remaining', 0).header('retry-after', resetSeconds);
    throw new ApiError('rate_limited', `Too many requests; retry in ${resetSeconds} s.`, { limit: rateLimit.perMinute });
  }

  app.addHook('onRequest', async (request, reply) => {
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
      return accept(request, reply, verified, requestHasher(request.method, request.url).digest('hex'));
    }

    // Not the authoritative check (that is accept's SET NX, after the body): it spares reading the
    // body of a plain replay, where that body is worth sparing.
    if (worthAnEarlyLookup(request) && (await options.redis.exists(nonceKey(verified))) > 0) {
      return refuse(request, 'replayed_nonce', 'nonce already used within the window', verified.keyId);
    }

    const limit = request.routeOptions.bodyLimit ?? app.initialConfig.bodyLimit ?? 1_048_576;
    const declared = Number(request.headers['content-length']);
    if (declared > limit) throw new ApiError('payload_too_large', `The request body is larger than this route accepts (${limit} bytes).`, { limit });
    pending.set(request, { verified, limit });
  });

  app.addHook('preParsing', async (request, reply, payload) => {
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
        const settle = refusal !== undefined ? refuse(request, refusal.reason, refusal.detail, refusal.keyId) : accept(request, reply, body.verified, fingerprint.digest('hex'));
        settle.then(() => done(), (error: unknown) => done(bodyStageError(error)));
      },
    });
    // A client that aborts mid-body errors the parser's stream instead of leaving it hanging: pipe, with
    // the body's end watched (finished: an error, or a close before the end). Not stream.pipeline, which
    // does the same but makes an AbortController per request and aborts it when done, building a
    // DOMException with its stack trace every time (bench/profile-payments.ts).
    const raw = payload as Readable;
    finished(raw, (error) => {
      if (error) verifying.destroy(error);
    });
    raw.pipe(verifying);
    return verifying;
  });
};

export const signatureAuth = fp(plugin, { name: 'gateway-signature-auth', fastify: '5.x' });

/** For handlers behind signatureAuth: the caller, or 401 if the route was mounted outside the auth scope by mistake. */
export function requireClient(request: FastifyRequest): AuthenticatedClient {
  if (request.client === undefined) throw new ApiError('unauthenticated');
  return request.client;
}
