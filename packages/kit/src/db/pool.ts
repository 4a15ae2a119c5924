import pg from 'pg';
import type { Pool } from 'pg';
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
  // An idle client whose server connection drops (Postgres restart, network blip) emits 'error' on
  // the pool; without a listener Node treats it as unhandled and kills the whole service.
  pool.on('error', (err) => {
    if (options.logger) options.logger.error({ err }, 'postgres idle client error');
    else process.emitWarning(`postgres idle client error: ${err.message}`);
  });
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
