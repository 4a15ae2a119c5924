import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { runner } from 'node-pg-migrate';
import type { Logger } from 'pino';

/**
 * The kit's own tables (outbox, inbox, idempotency_keys) live in every service's database, so every
 * service's migration run applies them first. They are tracked in their own table, `kit_migrations`,
 * separate from the service's `migrations` table: the two sets of files are numbered independently,
 * and one shared table would make node-pg-migrate's order check fail whenever either side adds a
 * file dated before the other's latest.
 */
export const kitMigrationsDir = fileURLToPath(new URL('../../migrations', import.meta.url));
export const kitMigrationsTable = 'kit_migrations';
export const serviceMigrationsTable = 'migrations';

export interface RunMigrationsOptions {
  databaseUrl: string;
  /** The service's own migrations folder; omit to apply only the kit's tables. */
  dir?: string;
  logger: Logger;
  /** How long to wait for another instance that is migrating the same database. */
  lockTimeoutMs?: number;
}

export interface MigrationsApplied {
  kit: string[];
  service: string[];
}

// Any constant works as long as every instance uses the same one; advisory locks are per database.
const migrationLockKey = 0x6761_7465_7761; // "gatewa"

/**
 * Applies pending migrations, forward only: the kit's, then the service's. Two instances starting
 * at once both call this; the second waits on a session advisory lock until the first has finished
 * (node-pg-migrate's own lock would make it fail instead), then finds nothing left to do.
 */
export async function runMigrations(options: RunMigrationsOptions): Promise<MigrationsApplied> {
  const { logger } = options;
  const client = new pg.Client({ connectionString: options.databaseUrl, application_name: 'migrations' });
  // A dropped connection rejects the query in flight; without a listener it would also kill the process.
  client.on('error', () => undefined);
  await client.connect();
  try {
    await client.query(`SET lock_timeout = ${Math.max(1, Math.floor(options.lockTimeoutMs ?? 120_000))}`);
    await client.query('SELECT pg_advisory_lock($1)', [migrationLockKey]);
    await client.query('SET lock_timeout = 0');
    const migrationLogger = {
      debug: (msg: string) => logger.debug(msg),
      info: (msg: string) => logger.debug(msg),
      warn: (msg: string) => logger.warn(msg),
      error: (msg: string) => logger.error(msg),
    };
    const common = {
      dbClient: client,
      direction: 'up' as const,
      // Our advisory lock above already serializes instances.
      noLock: true,
      checkOrder: true,
      singleTransaction: true,
      logger: migrationLogger,
    };
    const kit = await runner({ ...common, dir: kitMigrationsDir, migrationsTable: kitMigrationsTable });
    const service = options.dir
      ? await runner({ ...common, dir: options.dir, migrationsTable: serviceMigrationsTable })
      : [];
    const applied = { kit: kit.map((m) => m.name), service: service.map((m) => m.name) };
    if (applied.kit.length || applied.service.length) logger.info({ migrations: applied }, 'migrations applied');
    return applied;
  } finally {
    // Ending the session releases the advisory lock even if a migration threw.
    await client.end();
  }
}
