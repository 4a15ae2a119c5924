// The HTTP skeleton every service shares. It never listens: tests drive it with inject, main.ts calls
// listen. What it guarantees to every caller of every service:
//   - X-Request-Id on every response, error or not (the caller's own id kept when well formed);
//   - the catalogue's error body, with 5xx text never shown;
//   - /healthz, /readyz, /metrics and the OpenAPI document at /docs, all outside authentication;
//   - given its pool and `auth`, the operator's parked-outbox routes (parked-outbox-routes.ts) and
//     audit-log route (audit-log-routes.ts).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError } from '@gateway/contracts';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify from 'fastify';
import type { FastifyInstance, FastifyReply, RawServerDefault } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { FastifyPluginAsyncZod, ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import { z } from 'zod';
import { Registry } from 'prom-client';
import { signatureAuth } from '../auth/signature-auth.ts';
import type { SignatureAuthOptions } from '../auth/signature-auth.ts';
import { clientErrorHandler } from './client-error.ts';
import { errorHandler, mapError, notFoundHandler } from './error-handler.ts';
import { healthRoutes } from './health-routes.ts';
import { auditLogRoutes } from './audit-log-routes.ts';
import { parkedOutboxRoutes } from './parked-outbox-routes.ts';
import { strictJsonParser } from './json-body.ts';
import type { ReadinessCheck } from './health-routes.ts';
import { GatewayLogController } from './log-controller.ts';
import { ensureDefaultMetrics, httpDurationHistogram } from './metrics.ts';
import { CORRELATION_ID_HEADER, REQUEST_ID_HEADER, correlationIdOf, requestIdOf } from './request-ids.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The business flow this request belongs to (X-Correlation-Id, else the request id); put it on events. */
    correlationId: string;
  }
}

export type HttpServer = FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, Logger, ZodTypeProvider>;

export interface HttpServerOptions {
  service: string;
  version: string;
  logger: Logger;
  /**
   * The service's API routes. When `auth` is given they are registered behind the signature check
   * (every API client of the gateway signs); otherwise they are public.
   */
  routes?: readonly FastifyPluginAsyncZod[];
  /** Routes that never require a signature, even when `auth` is given. */
  publicRoutes?: readonly FastifyPluginAsyncZod[];
  auth?: SignatureAuthOptions;
  /**
   * The service's database (its outbox): with `auth`, mounts the operator routes GET /v1/outbox/parked
   * and POST /v1/outbox/parked/{eventId}/replay, and GET /v1/audit-log over its audit_log, behind the
   * signature check.
   */
  outboxPool?: Pool;
  readiness?: readonly ReadinessCheck[];
  /** Per-check timeout for /readyz. */
  readinessTimeoutMs?: number;
  /** Shared with the rest of the service (breakers, consumers) so one /metrics shows everything. */
  metricsRegistry?: Registry;
  /** Bytes, for every route that sets no bodyLimit of its own (HTTP_BODY_LIMIT_BYTES); defaultBodyLimit when unset. */
  bodyLimit?: number | undefined;
  /** Set only behind a known proxy: makes X-Forwarded-Proto/-Host count for the signature's @target-uri. */
  trustProxy?: boolean | string | string[];
  description?: string;
}

const noQueryParameters = z.strictObject({});

const openApiDescription = [
  'Requests from banks, wallets, the citizen portal and the telecom billing system are signed with HTTP',
  'Message Signatures (RFC 9421, hmac-sha256) and carry Content-Digest (RFC 9530) when they have a body.',
  'Every response carries X-Request-Id; errors are `{ "error": { "code", "message", "requestId" } }`.',
].join(' ');

/**
 * 256 KiB: a payment or an intent is a few hundred bytes; the largest other body is a campaign naming
 * its 10,000 accounts (some 150 KB). Only a route that needs more says so itself (billing's batch
 * import): the server must not hold megabytes for every caller that asks.
 */
export const defaultBodyLimit = 262_144;

export function createHttpServer(options: HttpServerOptions): HttpServer {
  const registry = options.metricsRegistry ?? new Registry();
  if (options.metricsRegistry === undefined) registry.setDefaultLabels({ service: options.service });
  ensureDefaultMetrics(registry);
  const duration = httpDurationHistogram(registry);

  const app = Fastify({
    loggerInstance: options.logger,
    logController: new GatewayLogController(),
    genReqId: requestIdOf,
    requestIdHeader: false,
    childLoggerFactory(logger, bindings, childOptions, rawRequest) {
      const requestId = typeof bindings.requestId === 'string' ? bindings.requestId : requestIdOf(rawRequest);
      return logger.child({ ...bindings, correlationId: correlationIdOf(rawRequest, requestId) }, childOptions);
    },
    bodyLimit: options.bodyLimit ?? defaultBodyLimit,
    trustProxy: options.trustProxy ?? false,
    // On close, idle keep-alive connections are dropped at once so shutdown only waits for in-flight requests.
    forceCloseConnections: 'idle',
    // Malformed URLs and the like never reach the error handler; answer them in the same shape.
    frameworkErrors(error, request, reply) {
      const mapped = mapError(error, request.id);
      void (reply as FastifyReply).code(mapped.status).header(REQUEST_ID_HEADER, request.id).send(mapped.body);
    },
    // And requests Node's HTTP parser refuses before fastify sees them (client-error.ts).
    clientErrorHandler: clientErrorHandler(options.logger),
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler(notFoundHandler);
  // Stricter than fastify's default (json-body.ts): UTF-8 only, no duplicated keys, bounded nesting.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, strictJsonParser(app.getDefaultJsonParser('error', 'error')));
  // An API route that declares no query parameters refuses any (400 naming them) rather than ignoring
  // them, as the declared ones refuse unknown keys: a caller's misspelt parameter is told, not dropped.
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/v1/') && route.schema !== undefined && route.schema.querystring === undefined) {
      route.schema = { ...route.schema, querystring: noQueryParameters };
    }
  });
  // Likewise a POST that declares no body takes none: fields sent to it would be silently ignored.
  // (A hook, not a body schema, so the OpenAPI document shows no request body for it.)
  app.addHook('preValidation', (request, _reply, done) => {
    const route = request.routeOptions;
    const unexpected = request.method === 'POST' && route.url?.startsWith('/v1/') === true && route.schema?.body === undefined && request.body !== undefined && request.body !== null;
    done(unexpected ? new ApiError('invalid_request', 'This route takes no request body.') : undefined);
  });

  app.decorateRequest('correlationId', '');
  app.addHook('onRequest', async (request, reply) => {
    request.correlationId = correlationIdOf(request.raw, request.id);
    reply.header(REQUEST_ID_HEADER, request.id);
    reply.header(CORRELATION_ID_HEADER, request.correlationId);
  });
  // Responses finished during shutdown close their connection: a keep-alive client would otherwise
  // hold it open and make close() wait for the client's idle timeout instead of the in-flight work.
  let closing = false;
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  // onSend as well as onRequest: some replies (framework errors, a hook that replied early) skip the first.
  app.addHook('onSend', async (request, reply) => {
    if (!reply.hasHeader(REQUEST_ID_HEADER)) reply.header(REQUEST_ID_HEADER, request.id);
    // A reply before the body was read whole (refused at authentication, 413, a route that never
    // reads it) closes the connection: keeping it alive would make node pull the rest of the body off
    // the wire, up to the 100 MB an unsigned caller may declare, just to find the next request.
    if (closing || request.raw.complete === false) reply.header('connection', 'close');
  });
  app.addHook('onResponse', async (request, reply) => {
    // The route pattern, never the raw URL; unmatched URLs share one label.
    const route = request.routeOptions.url ?? 'unmatched';
    duration.observe({ method: request.method, route, status_code: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });

  void app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: options.service, version: options.version, description: options.description ?? openApiDescription },
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  void app.register(fastifySwaggerUi, { routePrefix: '/docs' });

  void app.register(healthRoutes({ readiness: options.readiness ?? [], timeoutMs: options.readinessTimeoutMs ?? 2_000 }));
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugins are async functions
  void app.register(async (ops) => {
    ops.get('/metrics', { schema: { tags: ['operations'], summary: 'Prometheus metrics', hide: true } }, async (_request, reply) => {
      return reply.type(registry.contentType).send(await registry.metrics());
    });
  });

  for (const routes of options.publicRoutes ?? []) void app.register(routes);
  const auth = options.auth;
  if (auth !== undefined) {
    void app.register(async (scope) => {
      await scope.register(signatureAuth, auth);
      for (const routes of options.routes ?? []) await scope.register(routes);
      if (options.outboxPool !== undefined) {
        await scope.register(parkedOutboxRoutes({ pool: options.outboxPool }));
        await scope.register(auditLogRoutes({ pool: options.outboxPool }));
      }
    });
  } else {
    for (const routes of options.routes ?? []) void app.register(routes);
  }
  return app;
}
