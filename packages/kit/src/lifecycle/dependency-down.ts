// Which failures mean "a dependency is down right now" (Postgres restarting, Redis gone, no Kafka broker)
// rather than "this request or this code is wrong". The HTTP error handler answers them 503
// `service_unavailable` with Retry-After (the caller retries with the same Idempotency-Key; the
// transaction was rolled back, so nothing half-done was kept), and the Kafka consumer retries them
// without spending the message's attempts, so an outage never dead-letters good events.

export type DownDependency = 'postgres' | 'redis' | 'kafka';

// Socket-level failures: whoever raised them, the peer is unreachable or went away mid-conversation.
const socketCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

// SQLSTATEs for a server that is shutting down, starting, or refusing connections: class 08
// (connection exception), 57P01–57P03 (admin/crash shutdown, cannot connect now), 53300 (too many
// connections). Never a statement's own error (constraint, syntax), which stays a 4xx or a 500.
const pgDownStates = new Set(['57P01', '57P02', '57P03', '53300']);

// node-postgres and pg-pool raise plain Errors for a lost or unobtainable connection.
const pgDownMessages = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error and is not queryable',
  'Client was closed and is not queryable',
  'Cannot use a pool after calling end on the pool',
];

const redisDownMessages = ['Connection is closed.', "Stream isn't writeable and enableOfflineQueue options is false", 'Reached the max retries per request limit'];

const kafkaDownNames = new Set([
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSBrokerNotFound',
  'KafkaJSNoBrokerAvailableError',
  'KafkaJSMetadataNotLoaded',
  'KafkaJSLockTimeout',
]);

function classifyOne(err: Error): DownDependency | undefined {
  const e = err as Error & { code?: unknown; severity?: unknown };
  if (kafkaDownNames.has(err.name)) return 'kafka';
  if (err.name === 'MaxRetriesPerRequestError' || redisDownMessages.some((m) => err.message.startsWith(m))) return 'redis';
  if (typeof e.code === 'string') {
    // A pg DatabaseError carries `severity`; its SQLSTATE says whether the server is going away.
    if (typeof e.severity === 'string') return e.code.startsWith('08') || pgDownStates.has(e.code) ? 'postgres' : undefined;
    if (socketCodes.has(e.code)) return 'postgres';
  }
  if (pgDownMessages.some((m) => err.message.includes(m))) return 'postgres';
  return undefined;
}

function isErrorLike(value: unknown): value is Error {
  return typeof value === 'object' && value !== null && typeof (value as { message?: unknown }).message === 'string' && typeof (value as { name?: unknown }).name === 'string';
}

/**
 * The dependency an error says is unreachable, or undefined when the error is anything else. Follows
 * `cause`, kafkajs's `originalError` and AggregateError members, because the connection failure is
 * often wrapped (a retry budget exhausted around ECONNREFUSED). A bare socket error with no other
 * clue is attributed to Postgres, the one dependency the request path reaches without a wrapper.
 */
export function dependencyDown(error: unknown): DownDependency | undefined {
  const seen = new Set<unknown>();
  const queue: unknown[] = [error];
  let socketOnly: DownDependency | undefined;
  while (queue.length > 0) {
    const current = queue.shift();
    // Duck-typed, not instanceof: errors raised by Node's own sockets may come from another realm.
    if (!isErrorLike(current) || seen.has(current)) continue;
    seen.add(current);
    const found = classifyOne(current);
    const isBareSocket = found === 'postgres' && socketCodes.has(String((current as { code?: unknown }).code));
    if (found && !isBareSocket) return found;
    if (found) socketOnly ??= found;
    const wrapped = current as Error & { originalError?: unknown; errors?: unknown };
    queue.push(wrapped.cause, wrapped.originalError);
    if (Array.isArray(wrapped.errors)) queue.push(...(wrapped.errors as unknown[]));
  }
  return socketOnly;
}
