export { createPool, checkPostgres } from './pool.ts';
export type { CreatePoolOptions, Queryable } from './pool.ts';
export { withTransaction, isRetryableTransactionError } from './transaction.ts';
export { executeStatement } from './server-statements.ts';
export type { ServerStatement, SqlValue } from './server-statements.ts';
export type { IsolationLevel, TransactionOptions } from './transaction.ts';
export { runMigrations, kitMigrationsDir, kitMigrationsTable, serviceMigrationsTable } from './migrate.ts';
export type { RunMigrationsOptions, MigrationsApplied } from './migrate.ts';
export { ensureDatabase, databaseUrl, dropDatabases, quoteIdentifier } from './ensure-database.ts';
