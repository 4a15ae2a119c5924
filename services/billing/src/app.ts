// buildApp wires routes over the handles main.ts (or a test) passes in; it never listens.
import { createHttpServer, deadLetterRoutes } from '@gateway/kit';
import type { DeadLetterLedger, HttpServer, Logger, ServiceInfrastructure } from '@gateway/kit';
import { billingRoutes } from './http/routes.ts';
import type { RouteDeps } from './http/routes.ts';
import { serviceName } from './service-name.ts';

export const serviceVersion = '0.1.0';

export type AppDeps = Pick<ServiceInfrastructure, 'auth' | 'readiness' | 'registry'> & { bodyLimit?: number | undefined; deadLetters?: DeadLetterLedger | undefined } & { logger: Logger } & Omit<RouteDeps, 'logger'>;

export function buildApp(deps: AppDeps): HttpServer {
  return createHttpServer({
    service: serviceName,
    version: serviceVersion,
    description: 'Accounts, e-bills, bill import, late fees and public-entity statements.',
    logger: deps.logger,
    auth: deps.auth,
    outboxPool: deps.pool,
    // HTTP_BODY_LIMIT_BYTES: every route that sets no bodyLimit of its own.
    bodyLimit: deps.bodyLimit,
    readiness: deps.readiness,
    metricsRegistry: deps.registry,
    // The dead-letter ledger main.ts runs beside the consumers (tests without one get no such routes).
    routes: [billingRoutes({ pool: deps.pool, logger: deps.logger, policy: deps.policy, currency: deps.currency, importLimits: deps.importLimits, feeSchedules: deps.feeSchedules, now: deps.now }), ...(deps.deadLetters ? [deadLetterRoutes({ pool: deps.pool, ledger: deps.deadLetters })] : [])],
  });
}
