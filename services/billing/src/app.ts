// buildApp wires routes over the handles main.ts (or a test) passes in; it never listens.
import { createHttpServer } from '@gateway/kit';
import type { HttpServer, Logger, ServiceInfrastructure } from '@gateway/kit';
import { billingRoutes } from './http/routes.ts';
import type { RouteDeps } from './http/routes.ts';
import { serviceName } from './service-name.ts';

export const serviceVersion = '0.1.0';

export type AppDeps = Pick<ServiceInfrastructure, 'auth' | 'readiness' | 'registry'> & { bodyLimit?: number | undefined } & { logger: Logger } & Omit<RouteDeps, 'logger'>;

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
    routes: [billingRoutes({ pool: deps.pool, logger: deps.logger, policy: deps.policy, currency: deps.currency, importLimits: deps.importLimits, now: deps.now })],
  });
}
