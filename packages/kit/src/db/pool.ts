import pg from 'pg';
import type { Pool, PoolClient } from 'pg';
import type { Logger } from 'pino';

export interface CreatePoolOptions {
  connectionString: string;
  max?: number;
  applicationName?: string;
  /** Per statement; a runaway query must not hold a connection (and its locks) forever. */
  statementTimeoutMs?: number;
  /** A transaction left open by a bug would otherwise keep its row locks until the process dies. */
  idleInTransactionTimeoutMs?: number;
  /** How long `pool.connect()` waits for a free or new connection before failing. */
  connectionTimeoutMs?: number;
  logger?: Logger;
}

// BIGINT (int8, OID 20) comes back as a string by default; money columns are bigint and must be
// read as integers. Values beyond Number.MAX_SAFE_INTEGER are refused loudly rather than rounded.
pg.types.setTypeParser(20, (value: string) => {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new RangeError(`bigint ${value} exceeds the safe integer range`);
  return n;
});

export function createPool(options: CreatePoolOptions): Pool {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.max ?? 10,
    application_name: options.applicationName,
    statement_timeout: options.statementTimeoutMs ?? 30_000,
    idle_in_transaction_session_timeout: options.idleInTransactionTimeoutMs ?? 60_000,
    connectionTimeoutMillis: options.connectionTimeoutMs ?? 5_000,
    idleTimeoutMillis: 30_000,
  });
  // A client whose server connection drops (Postgres restart, network blip) emits 'error'. pg-pool
  // listens only while the client is idle in the pool; a checked-out one (a transaction, a LISTEN
  // client, an advisory-lock holder) has no listener, and Node turns that into an uncaught error that
  // kills the service. So every client gets a listener for its whole life, here, once: the query in
  // flight rejects on its own (the request answers 503, the transaction is rolled back by the
  // server), the broken client is dropped on release, and the next checkout connects afresh.
  pool.on('connect', (client) => {
    client.on('error', (err) => {
      if (options.logger) options.logger.warn({ err: err.message }, 'postgres connection lost; later queries reconnect');
      else process.emitWarning(`postgres connection lost: ${err.message}`);
    });
  });
  // The idle-client case reaches the pool as well; the listener above has already logged it.
  pool.on('error', () => undefined);
  return pool;
}

/** Readiness probe: resolves when Postgres answers a trivial query within `timeoutMs`. */
export async function checkPostgres(pool: Pool, timeoutMs = 2_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`postgres did not answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([pool.query('SELECT 1'), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** What a store function runs its SQL on: the pool, or a client inside the caller's transaction. */
export type Queryable = Pool | PoolClient;
