// buildApp wires routes over the handles main.ts (or a test) passes in; it never listens.
import { createHttpServer, deadLetterRoutes } from '@gateway/kit';
import type { DeadLetterLedger, HttpServer, ServiceInfrastructure } from '@gateway/kit';
import { paymentRoutes } from './http/routes.ts';
import type { RouteDeps } from './http/route-deps.ts';
import { serviceName } from './service-name.ts';

export const serviceVersion = '0.1.0';

/** Redis keys of the per-client request counters (the names @fastify/rate-limit used, so a rolling deploy keeps counting). */
export const rateLimitKeyPrefix = 'payments:rate-limit:';

export type AppDeps = Pick<ServiceInfrastructure, 'auth' | 'readiness' | 'registry'> & { bodyLimit?: number | undefined; deadLetters?: DeadLetterLedger | undefined } & RouteDeps;

export function buildApp(deps: AppDeps): HttpServer {
  const routeDeps: RouteDeps = {
    pool: deps.pool,
    redis: deps.redis,
    logger: deps.logger,
    config: deps.config,
    now: deps.now,
    otpForwarder: deps.otpForwarder,
    intentTtlMs: deps.intentTtlMs,
    topics: deps.topics,
  };
  return createHttpServer({
    service: serviceName,
    version: serviceVersion,
    description: 'The channel API: bill inquiry, idempotent payments and intents, allocation, ledger and settlement.',
    logger: deps.logger,
    // Every route, intents included, sits behind the same signature check and per-client rate limit
    // (counted in Redis across instances, in the nonce's round trip).
    auth: { ...deps.auth, rateLimit: { perMinute: deps.config.RATE_LIMIT_PER_MINUTE, keyPrefix: rateLimitKeyPrefix } },
    outboxPool: deps.pool,
    // HTTP_BODY_LIMIT_BYTES: every route that sets no bodyLimit of its own.
    bodyLimit: deps.bodyLimit,
    readiness: deps.readiness,
    metricsRegistry: deps.registry,
    // The dead-letter ledger main.ts runs beside the consumers (tests without one get no such routes).
    routes: [paymentRoutes(routeDeps), ...(deps.deadLetters ? [deadLetterRoutes({ pool: deps.pool, ledger: deps.deadLetters })] : [])],
  });
}
