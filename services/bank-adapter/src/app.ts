// buildApp wires routes over the handles main.ts (or a test) passes in; it never listens.
import { createHttpServer } from '@gateway/kit';
import type { HttpServer, Logger, ServiceInfrastructure } from '@gateway/kit';

export const serviceName = 'bank-adapter';
export const serviceVersion = '0.1.0';

export type AppDeps = Pick<ServiceInfrastructure, 'auth' | 'readiness' | 'registry'> & { logger: Logger };

export function buildApp(deps: AppDeps): HttpServer {
  return createHttpServer({
    service: serviceName,
    version: serviceVersion,
    description: 'One connector and circuit breaker per bank or wallet channel.',
    logger: deps.logger,
    auth: deps.auth,
    readiness: deps.readiness,
    metricsRegistry: deps.registry,
    routes: [],
  });
}
