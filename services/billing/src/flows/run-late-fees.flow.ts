// The daily late-fee run: every payable bill past its due date gets the fee steps and overdue notices
// owed on the business date. Only one instance runs at a time (a session advisory lock; the other
// skips), but correctness does not rest on the lock: a lock lost with its connection, or a run
// restarted halfway, meets the unique keys of late_fees and bill_overdue_notices and adds nothing.
import type { BusinessDate } from '@gateway/contracts';
import { withTransaction } from '@gateway/kit';
import type { Logger } from '@gateway/kit';
import type { Pool } from 'pg';
import { Counter } from 'prom-client';
import type { Registry } from 'prom-client';
import type { LateFeePolicy } from '../domain/late-fee-policy.ts';
import { payableBillsPastDue, tryLateFeeRunLock } from '../store/pg-late-fee-store.ts';
import { applyLateFeesToBill } from './apply-late-fees.flow.ts';

export type LateFeeRunDeps = {
  pool: Pool;
  policy: LateFeePolicy;
  logger: Logger;
  registry?: Registry;
  clock?: () => Date;
  /** Bills per chunk query; each bill still commits on its own. */
  chunkSize?: number;
  /** Tests turn it off to prove the unique keys alone keep two concurrent runs exact. */
  useLock?: boolean;
};

export type LateFeeRunResult =
  | { skipped: true; reason: 'another instance is running' }
  | { skipped: false; businessDate: BusinessDate; billsSeen: number; feesApplied: number; overdueNotices: number; failures: number };

function counter(registry: Registry | undefined, name: string, help: string): Counter {
  const existing = registry?.getSingleMetric(name);
  if (existing) return existing as Counter;
  return new Counter({ name, help, registers: registry ? [registry] : [] });
}

export async function runLateFees(deps: LateFeeRunDeps, businessDate: BusinessDate): Promise<LateFeeRunResult> {
  const log = deps.logger.child({ component: 'late-fee-run', businessDate });
  const clock = deps.clock ?? (() => new Date());
  const chunkSize = deps.chunkSize ?? 500;
  const fees = counter(deps.registry, 'billing_late_fees_applied_total', 'Late-fee steps applied by the daily run.');
  const failed = counter(deps.registry, 'billing_late_fee_bill_failures_total', 'Bills the daily run could not process (retried on the next run).');

  // The lock lives on one dedicated connection for the whole run (see tryLateFeeRunLock).
  const lock = deps.useLock === false ? undefined : await tryLateFeeRunLock(deps.pool);
  if (deps.useLock !== false && lock === undefined) {
    log.info('late-fee run skipped: another instance holds the lock');
    return { skipped: true, reason: 'another instance is running' };
  }
  try {
    const correlationId = `late-fee-run:${businessDate}`;
    const result = { skipped: false as const, businessDate, billsSeen: 0, feesApplied: 0, overdueNotices: 0, failures: 0 };
    let after = '';
    for (;;) {
      const chunk = await payableBillsPastDue(deps.pool, businessDate, after, chunkSize);
      if (chunk.length === 0) break;
      for (const billId of chunk) {
        // Losing the lock's connection (a Postgres restart) frees the lock: the run stops at the next
        // bill rather than carry on unguarded beside an instance that may now take it; tomorrow's
        // run finishes the rest.
        const lockLost = lock?.lost();
        if (lockLost) throw new Error('late-fee run stopped: its lock connection was lost', { cause: lockLost });
        result.billsSeen += 1;
        try {
          const one = await withTransaction(deps.pool, (client) => applyLateFeesToBill(client, billId, { policy: deps.policy, businessDate, now: clock(), correlationId }), {
            retries: 3,
          });
          result.feesApplied += one.feesApplied;
          result.overdueNotices += one.overdueNotices;
          fees.inc(one.feesApplied);
        } catch (err) {
          // One bad bill (a policy amount in another currency, a row the import left incomplete)
          // must not stop every other bill's fees; it is logged, counted, and retried tomorrow.
          result.failures += 1;
          failed.inc();
          log.error({ err, billId }, 'late-fee run could not process a bill');
        }
      }
      after = chunk[chunk.length - 1] ?? after;
    }
    log.info(result, 'late-fee run finished');
    return result;
  } finally {
    await lock?.release();
  }
}
