// Bill batches in Postgres: the record of an imported batch (bill_batches), the Idempotency-Key it
// was sent under, and the session advisory locks that keep two imports of one batch (or one key)
// from running at once. The rules that decide with these (what a repeat gets, when a key is reused)
// are in flows/import-bill-batch.flow.ts.
import type { BillRowRejection } from '../domain/bill-import.ts';
import type { Queryable } from '@gateway/kit';
import type { Pool, PoolClient } from 'pg';

export type AcceptedRow = { index: number; externalBillId: string; billId: string };

// What bill_batches.response keeps: the rows that are not bills of this batch. The batch's own
// accepted rows are read back from `bills` on a replay rather than stored a second time.
export type StoredOutcome = { rejected: BillRowRejection[]; acceptedEarlier: AcceptedRow[] };

export type BatchIdempotency = { clientId: string; key: string; requestHash: string };

export type BatchRecord = { accepted: number; rejected: number; response: StoredOutcome };

/**
 * Runs `body` holding a session advisory lock on each of `lockKeys`, taken in order on one dedicated
 * connection (session locks belong to the connection; a pooled query could release one on another).
 * All are try-locks: a miss answers `{ locked: false }` at once, without running `body`.
 */
export async function withBatchLocks<T>(pool: Pool, lockKeys: readonly string[], body: () => Promise<T>): Promise<{ locked: false } | { locked: true; value: T }> {
  const lockClient = await pool.connect();
  const held: string[] = [];
  let broken: Error | undefined;
  try {
    for (const lockKey of lockKeys) {
      const { rows: locked } = await lockClient.query<{ locked: boolean }>('SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS locked', [lockKey]);
      if (!locked[0]?.locked) return { locked: false };
      held.push(lockKey);
    }
    return { locked: true, value: await body() };
  } finally {
    try {
      for (const lockKey of held.reverse()) await lockClient.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [lockKey]);
    } catch (error) {
      // Ending the session frees the locks too: the connection goes back broken, to be closed.
      broken = error instanceof Error ? error : new Error(String(error));
    }
    lockClient.release(broken);
  }
}

/** The batch this client imported under this key within the last `lifetimeDays`, if any. */
export async function findKeyedBatch(
  db: Queryable,
  idempotency: BatchIdempotency,
  lifetimeDays: number,
): Promise<{ batchId: string; requestHash: string | null } | undefined> {
  const { rows } = await db.query<{ batch_id: string; request_hash: string | null }>(
    `SELECT batch_id, request_hash FROM bill_batches
     WHERE client_id = $1 AND idempotency_key = $2 AND received_at > now() - make_interval(days => $3)`,
    [idempotency.clientId, idempotency.key, lifetimeDays],
  );
  const row = rows[0];
  return row === undefined ? undefined : { batchId: row.batch_id, requestHash: row.request_hash };
}

/** The record of a batch already imported, or undefined. */
export async function findBatchRecord(db: Queryable, batchId: string): Promise<BatchRecord | undefined> {
  const { rows } = await db.query<BatchRecord>('SELECT accepted, rejected, response FROM bill_batches WHERE batch_id = $1', [batchId]);
  return rows[0];
}

/** Lets go of the key's uses older than `lifetimeDays`, so the unique index takes a new batch under it. */
export async function releaseExpiredBatchKey(client: PoolClient, key: BatchIdempotency, lifetimeDays: number): Promise<void> {
  await client.query(
    `UPDATE bill_batches SET client_id = NULL, idempotency_key = NULL, request_hash = NULL
     WHERE client_id = $1 AND idempotency_key = $2 AND received_at <= now() - make_interval(days => $3)`,
    [key.clientId, key.key, lifetimeDays],
  );
}

/** Records a finished batch; a batchId recorded already keeps its first record. */
export async function insertBatchRecord(
  client: PoolClient,
  batch: { batchId: string; receivedAt: Date; accepted: number; outcome: StoredOutcome; key: BatchIdempotency | undefined },
): Promise<void> {
  await client.query(
    `INSERT INTO bill_batches (batch_id, received_at, accepted, rejected, response, client_id, idempotency_key, request_hash)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (batch_id) DO NOTHING`,
    [
      batch.batchId,
      batch.receivedAt,
      batch.accepted,
      batch.outcome.rejected.length,
      JSON.stringify(batch.outcome),
      batch.key?.clientId ?? null,
      batch.key?.key ?? null,
      batch.key?.requestHash ?? null,
    ],
  );
}
