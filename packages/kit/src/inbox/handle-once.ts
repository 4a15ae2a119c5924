import type { Pool, PoolClient } from 'pg';
import { withTransaction } from '../db/transaction.ts';
import type { TransactionOptions } from '../db/transaction.ts';

export type HandleOnceResult<T> = { duplicate: true } | { duplicate: false; result: T };

/**
 * Records that `consumer` processed `eventId`, inside the caller's transaction. Returns false when it
 * was already recorded: the caller must then skip the effect. A concurrent delivery of the same
 * event waits here until the first transaction ends, then sees it (or, if that one rolled back,
 * records it itself).
 */
export async function recordInboxEvent(client: PoolClient, consumer: string, eventId: string): Promise<boolean> {
  const result = await client.query('INSERT INTO inbox (consumer, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [consumer, eventId]);
  return result.rowCount === 1;
}

/**
 * Records a batch of events in one statement, inside the caller's transaction, and returns the ids
 * (lower case) that were new: the caller applies only those. Sorted, so two transactions recording
 * overlapping batches (a rebalance's overlap) take the row locks in the same order and cannot deadlock.
 */
export async function recordInboxEvents(client: PoolClient, consumer: string, eventIds: string[]): Promise<Set<string>> {
  const ids = [...new Set(eventIds.map((id) => id.toLowerCase()))].sort();
  const result = await client.query<{ event_id: string }>(
    'INSERT INTO inbox (consumer, event_id) SELECT $1, id FROM unnest($2::uuid[]) AS t(id) ON CONFLICT DO NOTHING RETURNING event_id',
    [consumer, ids],
  );
  return new Set(result.rows.map((r) => r.event_id));
}

/**
 * Runs `fn` (the event's effect) at most once per (consumer, event) — Kafka delivers at least once,
 * so every effectful consumer goes through this. The inbox row and the effect commit together: a
 * crash before commit leaves neither, and the redelivery runs the effect then.
 */
export async function handleOnce<T>(
  pool: Pool,
  consumer: string,
  event: { eventId: string },
  fn: (client: PoolClient) => Promise<T>,
  options: TransactionOptions = {},
): Promise<HandleOnceResult<T>> {
  return withTransaction(
    pool,
    async (client): Promise<HandleOnceResult<T>> => {
      if (!(await recordInboxEvent(client, consumer, event.eventId))) return { duplicate: true };
      return { duplicate: false, result: await fn(client) };
    },
    options,
  );
}
