import type { Pool } from 'pg';

/**
 * Deletes keys past their 30 days, in small batches so a large backlog never holds many row locks
 * or one long transaction. Expired keys are already treated as new before they are purged.
 */
export async function purgeExpiredIdempotencyKeys(pool: Pool, batchSize = 1_000): Promise<number> {
  let total = 0;
  for (;;) {
    const result = await pool.query(
      `DELETE FROM idempotency_keys WHERE ctid IN (
         SELECT ctid FROM idempotency_keys WHERE expires_at <= now() LIMIT $1 FOR UPDATE SKIP LOCKED)`,
      [batchSize],
    );
    const n = result.rowCount ?? 0;
    total += n;
    if (n < batchSize) return total;
  }
}
