// One error handler for every service: whatever is thrown, the caller gets the catalogue's status and
// `{ error: { code, message, requestId } }`. Client mistakes (validation, bad JSON, wrong media type)
// are 400 `invalid_request`, an oversized body is 413 `payload_too_large`; never 500. Anything
// unexpected is 500 `internal_error` with the catalogue's generic text, and the real error goes to
// the log under the same request id.
import { ApiError, defaultErrorMessages, errorBodySchema, httpStatusOf, isErrorCode } from '@gateway/contracts';
import type { ErrorBody, ErrorCode } from '@gateway/contracts';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { dependencyDown } from '../lifecycle/dependency-down.ts';
import type { DownDependency } from '../lifecycle/dependency-down.ts';

interface MappedError {
  status: number;
  body: ErrorBody;
  /** Whether the error is ours (log at error with the stack) rather than the caller's. */
  internal: boolean;
  /** Set for 503 `service_unavailable`: seconds until the caller should retry with the same key. */
  retryAfterSeconds?: number;
  /** The dependency found down, for the log line. */
  dependency?: DownDependency;
}

/**
 * Retry-After for a dependency outage: a Postgres restart or a Redis failover takes seconds, and a
 * bank retrying sooner only adds load to a service that is reconnecting.
 */
export const DEPENDENCY_RETRY_AFTER_SECONDS = 5;

// Fastify's own client errors, with texts that tell an integrator what to fix.
const fastifyClientErrors: Readonly<Record<string, string>> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'Unsupported Content-Type; send application/json.',
  FST_ERR_CTP_BODY_TOO_LARGE: 'The request body is larger than this route accepts.',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'The request body is empty but Content-Type is application/json.',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'Content-Length does not match the length of the body.',
  FST_ERR_CTP_EMPTY_TYPE: 'The Content-Type header is empty.',
  FST_ERR_CTP_INVALID_TYPE: 'The Content-Type header is not valid.',
  FST_ERR_CTP_INVALID_JSON_BODY: 'The request body is not valid JSON.',
  FST_ERR_BAD_URL: 'The request URL is not valid.',
  FST_ERR_VALIDATION: 'The request is not valid.',
};

// A status set by a library (a plugin's http-errors, fastify itself) mapped onto our catalogue.
function codeForClientStatus(status: number): ErrorCode {
  switch (status) {
    case 401:
      return 'unauthenticated';
    case 403:
      return 'forbidden';
    case 404:
      return 'not_found';
    // fastify's FST_ERR_CTP_BODY_TOO_LARGE (Content-Length or the bytes read past the route's bodyLimit).
    case 413:
      return 'payload_too_large';
    case 429:
      return 'rate_limited';
    default:
      return 'invalid_request';
  }
}

function isApiErrorLike(error: unknown): error is ApiError {
  // instanceof first; the duck type covers a second copy of the contracts module in a test bundle.
  if (error instanceof ApiError) return true;
  return error instanceof Error && error.name === 'ApiError' && isErrorCode((error as { code?: unknown }).code);
}

function body(code: ErrorCode, requestId: string, message?: string, details?: Readonly<Record<string, unknown>>): ErrorBody {
  const safeMessage = httpStatusOf(code) >= 500 || message === undefined ? defaultErrorMessages[code] : message;
  const error: ErrorBody['error'] = { code, message: safeMessage, requestId };
  if (details !== undefined && httpStatusOf(code) < 500) error.details = { ...details };
  return { error };
}

interface ValidationIssue {
  instancePath?: string;
  message?: string;
}

function describeValidation(context: string | undefined, issues: readonly ValidationIssue[]): { message: string; fields: { field: string; problem: string }[] } {
  const where = context ?? 'request';
  const fields = issues.map((issue) => {
    const pointer = (issue.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.');
    return { field: pointer ? `${where}.${pointer}` : where, problem: issue.message ?? 'is not valid' };
  });
  const message = `Invalid request: ${fields.map((f) => `${f.field}: ${f.problem}`).join('; ')}`;
  return { message, fields };
}

export function mapError(error: unknown, requestId: string): MappedError {
  if (isApiErrorLike(error)) {
    const status = httpStatusOf(error.code);
    const mapped: MappedError = { status, body: body(error.code, requestId, error.message, error.details), internal: status >= 500 };
    if (error.code === 'service_unavailable') {
      mapped.internal = false;
      mapped.retryAfterSeconds = DEPENDENCY_RETRY_AFTER_SECONDS;
    }
    return mapped;
  }
  // A dependency that is down (Postgres restarting, Redis gone, no broker) is not our bug and not the
  // caller's mistake: 503 with Retry-After tells a bank to retry with the same Idempotency-Key. The
  // request's transaction was rolled back with its connection, so the retry runs afresh or replays.
  // Not for a client error that carries a socket code of its own (a request body the caller aborted).
  const clientStatus = (error as { statusCode?: unknown } | null)?.statusCode;
  const down = typeof clientStatus === 'number' && clientStatus < 500 ? undefined : dependencyDown(error);
  if (down !== undefined) {
    return {
      status: httpStatusOf('service_unavailable'),
      body: body('service_unavailable', requestId),
      internal: false,
      retryAfterSeconds: DEPENDENCY_RETRY_AFTER_SECONDS,
      dependency: down,
    };
  }
  if (typeof error !== 'object' || error === null) {
    return { status: 500, body: body('internal_error', requestId), internal: true };
  }
  const fastifyError = error as Partial<FastifyError> & { validationContext?: string };

  if (hasZodFastifySchemaValidationErrors(error) || Array.isArray(fastifyError.validation)) {
    const { message, fields } = describeValidation(fastifyError.validationContext, fastifyError.validation ?? []);
    return { status: 400, body: body('invalid_request', requestId, message, { fields }), internal: false };
  }
  // The handler built a response its own schema refuses: our bug, never the caller's.
  if (error instanceof Error && isResponseSerializationError(error)) {
    return { status: 500, body: body('internal_error', requestId), internal: true };
  }
  const status = typeof fastifyError.statusCode === 'number' ? fastifyError.statusCode : 500;
  if (status >= 400 && status < 500) {
    const code = codeForClientStatus(status);
    const known = fastifyError.code !== undefined ? fastifyClientErrors[fastifyError.code] : undefined;
    // JSON.parse failures arrive as a SyntaxError with status 400 set by fastify's body parser.
    const message = known ?? (error instanceof SyntaxError ? fastifyClientErrors.FST_ERR_CTP_INVALID_JSON_BODY : undefined);
    return { status: httpStatusOf(code), body: body(code, requestId, message), internal: false };
  }
  return { status: 500, body: body('internal_error', requestId), internal: true };
}

export function errorHandler(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const mapped = mapError(error, request.id);
  if (mapped.internal) {
    request.log.error({ err: error }, 'request failed with an internal error');
  } else if (mapped.retryAfterSeconds !== undefined) {
    request.log.warn({ err: error, dependency: mapped.dependency }, 'request refused: a dependency is unavailable');
    void reply.header('retry-after', String(mapped.retryAfterSeconds));
  } else {
    request.log.info({ code: mapped.body.error.code, reason: error instanceof Error ? error.message : String(error) }, 'request refused');
  }
  return reply.code(mapped.status).type('application/json; charset=utf-8').send(mapped.body);
}

export function notFoundHandler(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  return reply.code(404).send(body('not_found', request.id, `No route for ${request.method} ${request.url.split('?')[0] ?? ''}.`));
}

/** Route schema helper: the error body under each listed status, for the OpenAPI document. */
export function errorResponses<const S extends number>(...statuses: S[]): Record<S, typeof errorBodySchema> {
  return Object.fromEntries(statuses.map((s) => [s, errorBodySchema])) as Record<S, typeof errorBodySchema>;
}
