// buildApp wires routes over the handles main.ts (or a test) passes in; it never listens.
import { createHttpServer } from '@gateway/kit';
import type { HttpServer, ServiceInfrastructure } from '@gateway/kit';
import type { OtpForwarder } from './events/intent-otp-forwarder.ts';
import { intentRoutes } from './http/intent-routes.ts';
import { paymentRoutes } from './http/routes.ts';
import type { RouteDeps } from './http/routes.ts';
import { serviceName } from './service-name.ts';

export const serviceVersion = '0.1.0';

export type AppDeps = Pick<ServiceInfrastructure, 'auth' | 'readiness' | 'registry'> & { bodyLimit?: number | undefined } &
  RouteDeps & {
    /** Without it the intent routes are not mounted (a test of the channel API alone). */
    otpForwarder?: OtpForwarder | undefined;
    intentTtlMs?: number | undefined;
  };

export function buildApp(deps: AppDeps): HttpServer {
  const routeDeps: RouteDeps = { pool: deps.pool, redis: deps.redis, logger: deps.logger, config: deps.config, now: deps.now };
  // Intents sit behind the same signature check and the same per-client rate limit as the rest.
  const extra = deps.otpForwarder === undefined ? [] : [intentRoutes({ ...routeDeps, otpForwarder: deps.otpForwarder, intentTtlMs: deps.intentTtlMs })];
  return createHttpServer({
    service: serviceName,
    version: serviceVersion,
    description: 'The channel API: bill inquiry, idempotent payments and intents, allocation, ledger and settlement.',
    logger: deps.logger,
    auth: deps.auth,
    // HTTP_BODY_LIMIT_BYTES: every route that sets no bodyLimit of its own.
    bodyLimit: deps.bodyLimit,
    readiness: deps.readiness,
    metricsRegistry: deps.registry,
    routes: [paymentRoutes(routeDeps, extra)],
  });
}
