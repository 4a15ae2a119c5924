// Expected start-up failures (bad configuration, a dependency that does not answer, a port in use)
// are operator problems: they get ONE plain line on stderr naming what is wrong, and exit 1. A stack
// trace there only hides the sentence that matters. Anything else is a bug and is logged in full.
import type { Logger } from 'pino';
import { ConfigError } from '../config/config-error.ts';

/** Thrown by start-up code when a dependency cannot be reached: "cannot reach Kafka at 127.0.0.1:9092 (…)". */
export class DependencyUnavailableError extends Error {
  readonly dependency: string;
  readonly address: string;
  constructor(dependency: string, address: string, cause?: unknown) {
    super(`cannot reach ${dependency} at ${address}${cause === undefined ? '' : ` (${reasonOf(cause)})`}`, { cause });
    this.name = 'DependencyUnavailableError';
    this.dependency = dependency;
    this.address = address;
  }
}

function reasonOf(cause: unknown): string {
  if (cause instanceof AggregateError && cause.errors.length > 0) return reasonOf(cause.errors[0]);
  if (cause instanceof Error) {
    const code = (cause as NodeJS.ErrnoException).code;
    const message = cause.message.split('\n')[0] ?? '';
    if (code !== undefined && !message.includes(code)) return message ? `${code}: ${message}` : code;
    return message || cause.name;
  }
  return String(cause);
}

const expectedNames = new Set(['ConfigError', 'DependencyUnavailableError', 'ClientsFileError']);

/** The one line for an expected start-up failure, or undefined for a bug. */
export function describeStartupFailure(error: unknown): string | undefined {
  if (error instanceof ConfigError || (error instanceof Error && expectedNames.has(error.name))) return error.message;
  if (error instanceof Error) {
    const e = error as NodeJS.ErrnoException & { address?: string; port?: number };
    const where = e.address !== undefined ? `${e.address}${e.port !== undefined ? `:${e.port}` : ''}` : undefined;
    if (e.code === 'EADDRINUSE') return `cannot listen on ${where ?? 'the configured address'}: the port is already in use`;
    if (e.code === 'EACCES' && e.syscall === 'listen') return `cannot listen on ${where ?? 'the configured address'}: permission denied`;
    if (e.code === 'ECONNREFUSED' || e.code === 'ENOTFOUND' || e.code === 'ETIMEDOUT' || e.code === 'EHOSTUNREACH') {
      return `cannot reach ${where ?? 'a dependency'} (${e.code})`;
    }
  }
  return undefined;
}

export interface StartupFailureOptions {
  /** Prefixes the line, so `npm start` output says which service failed. */
  service?: string;
  exit?: (code: number) => never;
  stderr?: { write(line: string): unknown };
}

export function startupFailure(logger: Logger | undefined, error: unknown, options: StartupFailureOptions = {}): never {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const stderr = options.stderr ?? process.stderr;
  const line = describeStartupFailure(error);
  const prefix = options.service !== undefined ? `${options.service}: ` : '';
  if (line !== undefined) {
    stderr.write(`${prefix}${line}\n`);
  } else if (logger !== undefined) {
    logger.fatal({ err: error }, 'start-up failed');
    logger.flush();
  } else {
    stderr.write(`${prefix}start-up failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  }
  return exit(1);
}

/**
 * The first line of every composition root: the service's configuration, or the one-line reason it
 * cannot start (before a logger exists, since the log level is itself configuration).
 */
export function configOrExit<T>(service: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    return startupFailure(undefined, error, { service });
  }
}
