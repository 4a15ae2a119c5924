// Retention: the tables that grow with every event or request (published outbox rows, inbox records,
// idempotency keys, a service's own short-lived rows such as bill inquiries) are emptied of what no
// rule needs any more, by one scheduled task per service. Deletes go in small batches, each its own
// statement, so a large backlog never holds many row locks, one long transaction, or the relay's
// and consumers' connections waiting behind it.
import type { Pool } from 'pg';
import { Counter } from 'prom-client';
import type { Registry } from 'prom-client';
import type { Logger } from '../logger/index.ts';
import { createPeriodicTask } from '../lifecycle/periodic-task.ts';
import type { PeriodicTask } from '../lifecycle/periodic-task.ts';

export interface RetentionJob {
  /** The table it deletes from: the metric's label. */
  table: string;
  /** Deletes what is due, in batches; resolves with the number of rows deleted. */
  purge: () => Promise<number>;
}

/**
 * Deletes the rows of `table` matching `where` (parameters from $2 on), `batchSize` at a time, until
 * a batch comes back short. Rows another transaction holds are skipped (SKIP LOCKED): the next pass
 * gets them. `orderBy` lets a batch walk an index (oldest first) rather than the whole table.
 */
export async function deleteInBatches(
  pool: Pool,
  options: { table: string; where: string; params?: unknown[]; batchSize: number; orderBy?: string },
): Promise<number> {
  const { table, where, batchSize } = options;
  const order = options.orderBy ? ` ORDER BY ${options.orderBy}` : '';
  const sql = `DELETE FROM ${table} WHERE ctid IN (
      SELECT ctid FROM ${table} WHERE ${where}${order} LIMIT $1 FOR UPDATE SKIP LOCKED)`;
  let total = 0;
  for (;;) {
    const result = await pool.query(sql, [batchSize, ...(options.params ?? [])]);
    const n = result.rowCount ?? 0;
    total += n;
    if (n < batchSize) return total;
  }
}

/**
 * Outbox rows published more than `olderThanMs` ago: the outbox is a queue, not an archive. Unpublished
 * and parked rows are never touched, however old. Walks the primary key (rows are published in id
 * order, so the old published ones come first) instead of needing an index on published_at.
 */
export function purgePublishedOutbox(pool: Pool, options: { olderThanMs: number; batchSize: number }): Promise<number> {
  return deleteInBatches(pool, {
    table: 'outbox',
    where: `published_at IS NOT NULL AND published_at < now() - make_interval(secs => $2::double precision / 1000)`,
    params: [options.olderThanMs],
    orderBy: 'id',
    batchSize: options.batchSize,
  });
}

/**
 * Inbox records processed more than `olderThanMs` ago. Keep them longer than any window in which the
 * same event can be delivered again (Kafka's log retention, a DLQ replay): past that, a record only
 * costs space, while one deleted too early lets a redelivered event act twice.
 */
export function purgeProcessedInbox(pool: Pool, options: { olderThanMs: number; batchSize: number }): Promise<number> {
  return deleteInBatches(pool, {
    table: 'inbox',
    where: `processed_at < now() - make_interval(secs => $2::double precision / 1000)`,
    params: [options.olderThanMs],
    batchSize: options.batchSize,
  });
}

export interface RetentionTaskOptions {
  jobs: readonly RetentionJob[];
  intervalMs: number;
  logger: Logger;
  registry?: Registry;
  /** The wait before the first pass; a minute by default, so a start is not slowed by a backlog. */
  initialDelayMs?: number;
}

/**
 * One scheduled task per job (kit's createPeriodicTask), so a slow table never delays another's; each
 * deletion is counted in `retention_rows_deleted_total{table}`. A failed pass is logged and the next
 * one retries. Returns one handle that starts and stops them all.
 */
export function createRetentionTask(options: RetentionTaskOptions): PeriodicTask {
  const log = options.logger.child({ component: 'retention' });
  const name = 'retention_rows_deleted_total';
  const deleted =
    (options.registry?.getSingleMetric(name) as Counter<'table'> | undefined) ??
    new Counter({ name, help: 'Rows deleted by the retention jobs, by table.', labelNames: ['table'], registers: options.registry ? [options.registry] : [] });

  const tasks = options.jobs.map((job) => {
    deleted.inc({ table: job.table }, 0);
    return createPeriodicTask({
      name: `retention of ${job.table}`,
      intervalMs: options.intervalMs,
      initialDelayMs: options.initialDelayMs ?? 60_000,
      logger: log,
      run: async () => {
        const n = await job.purge();
        deleted.inc({ table: job.table }, n);
        if (n > 0) log.info({ table: job.table, deleted: n }, 'retention: old rows deleted');
      },
    });
  });

  return {
    start: () => tasks.forEach((task) => task.start()),
    stop: async () => {
      await Promise.all(tasks.map((task) => task.stop()));
    },
  };
}
