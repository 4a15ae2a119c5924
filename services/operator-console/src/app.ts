// buildApp wires routes over the handles main.ts (or a test) passes in; it never listens.
import { createHttpServer } from '@gateway/kit';
import type { HttpServer, Logger, ReadinessCheck } from '@gateway/kit';
import type { Registry } from 'prom-client';
import { consoleRoutes } from './http/routes.ts';
import type { RouteDeps } from './http/routes.ts';
import { serviceName } from './service-name.ts';

export const serviceVersion = '0.1.0';

export type AppDeps = RouteDeps & { logger: Logger; readiness: ReadinessCheck[]; registry: Registry };

export function buildApp(deps: AppDeps): HttpServer {
  return createHttpServer({
    service: serviceName,
    version: serviceVersion,
    description: "The operators' console: sign-in, sessions, and the browser's API over the services' operator routes.",
    logger: deps.logger,
    readiness: deps.readiness,
    metricsRegistry: deps.registry,
    // Not behind kit's signature check: the browser authenticates with its session cookie instead.
    publicRoutes: [consoleRoutes(deps)],
  });
}
