// One pino logger per process. Every line carries the service name; request lines also carry the
// request id and correlation id (bound by the HTTP factory's child logger). Secrets are masked here,
// once, so no call site has to remember.
import { pino } from 'pino';
import type { DestinationStream, Logger, LoggerOptions } from 'pino';
import { redactDeep, redactPaths, redactUrl } from './redaction.ts';

export type { Logger } from 'pino';

export interface CreateLoggerOptions {
  service: string;
  level?: string;
  /** Where lines go; stdout when omitted. Tests pass a stream that collects them. */
  destination?: DestinationStream;
  /** Extra fields on every line (e.g. the version). */
  base?: Record<string, unknown>;
}

interface LoggableRequest {
  method?: string;
  url?: string;
  host?: string;
  ip?: string;
  routeOptions?: { url?: string };
}

// Replaces fastify's default request serializer: the same fields, but the URL's query has its account
// numbers and secrets masked (`GET /v1/bills?accountNo=` would otherwise log the full number).
function serializeRequest(req: LoggableRequest): Record<string, unknown> {
  return {
    method: req.method,
    url: typeof req.url === 'string' ? redactUrl(req.url) : req.url,
    route: req.routeOptions?.url,
    host: req.host,
    remoteAddress: req.ip,
  };
}

// pino's error serializer returns an object with its own prototype; spreading it into a plain object
// lets the deep redaction see the error's own fields (a client library may hang headers on it).
function serializeError(err: unknown): unknown {
  if (!(err instanceof Error)) return redactDeep(err);
  return redactDeep({ ...pino.stdSerializers.err(err) });
}

export function createLogger(options: CreateLoggerOptions): Logger {
  const loggerOptions: LoggerOptions = {
    level: options.level ?? 'info',
    base: { service: options.service, ...options.base },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: [...redactPaths], censor: '[REDACTED]' },
    serializers: { req: serializeRequest, err: serializeError, error: serializeError },
    formatters: {
      level: (label) => ({ level: label }),
      log: (object) => redactDeep(object) as Record<string, unknown>,
      bindings: (bindings) => redactDeep(bindings) as Record<string, unknown>,
    },
  };
  return pino(loggerOptions, options.destination ?? stdoutDestination());
}

// stdout without blocking the event loop on each line: lines are gathered and written by libuv's
// thread pool once 4 KiB have collected, or every 250 ms, whichever comes first (under load one
// write carries some twenty request lines instead of one each; profiled in bench/profile-payments.ts).
// pino flushes what is left synchronously when the process exits (shutdown, a start-up failure);
// only a SIGKILL can lose the last quarter second.
function stdoutDestination(): DestinationStream {
  return pino.destination({ dest: 1, sync: false, minLength: 4_096, periodicFlush: 250 });
}
