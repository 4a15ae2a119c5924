// Per-client rate limit (docs/api.md: 429 rate_limited with Retry-After), counted in Redis so every
// instance shares one budget per client. The key is the authenticated clientId, so the check runs in
// preValidation, after the signature check (preParsing) has set request.client, and before the body
// is validated or any work is done.
//
// Redis down: the limiter lets requests through (skipOnError). It protects capacity, not money, and
// Postgres is the truth for everything that matters; failing closed would turn a cache outage into a
// payment outage. (Signature auth still fails closed on its nonce check, which is about security.)
import rateLimit from '@fastify/rate-limit';
import { ApiError } from '@gateway/contracts';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';

export type RateLimitOptions = { redis: Redis; perMinute: number; nameSpace?: string };

export async function registerRateLimit(app: FastifyInstance, options: RateLimitOptions): Promise<void> {
  await app.register(rateLimit, {
    global: true,
    hook: 'preValidation',
    max: options.perMinute,
    timeWindow: 60_000,
    redis: options.redis,
    nameSpace: options.nameSpace ?? 'payments:rate-limit:',
    skipOnError: true,
    keyGenerator: (request: FastifyRequest) => request.client?.clientId ?? `ip:${request.ip}`,
    errorResponseBuilder: (_request, context) =>
      new ApiError('rate_limited', `Too many requests; retry in ${Math.max(1, Math.ceil(context.ttl / 1000))} s.`, { limit: context.max }),
  });
}
