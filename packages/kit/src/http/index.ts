export { createHttpServer, defaultBodyLimit } from './create-http-server.ts';
export type { HttpServer, HttpServerOptions } from './create-http-server.ts';
export { errorHandler, errorResponses, mapError, notFoundHandler } from './error-handler.ts';
export { healthRoutes } from './health-routes.ts';
export type { ReadinessCheck, ReadinessReport } from './health-routes.ts';
export { ensureDefaultMetrics, HTTP_DURATION_METRIC, httpDurationHistogram, sharedMetric } from './metrics.ts';
export { idempotencyHeadersSchema, idempotencyKeySchema, signatureHeadersSchema } from './header-schemas.ts';
export { CORRELATION_ID_HEADER, correlationIdOf, REQUEST_ID_HEADER, requestIdOf } from './request-ids.ts';
export { sendIdempotent } from './idempotent-reply.ts';
