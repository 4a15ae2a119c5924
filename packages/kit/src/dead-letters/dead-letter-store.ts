// The dead_letters table (kit migration 1771000000000): what the ledger stores and the operator's
// routes list and replay. SQL only.
import type { PoolClient, Pool } from 'pg';
import type { Queryable } from '../db/pool.ts';
import type { DeadLetterKind } from '../kafka/dlq.ts';

export type DeadLetterState = 'open' | 'replayed';

export interface NewDeadLetter {
  dlqTopic: string;
  dlqPartition: number;
  dlqOffset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, string>;
  reason: string;
  kind: DeadLetterKind;
  originalTopic: string;
  originalPartition: number;
  originalOffset: string;
  group: string;
  attempts: number;
  failedAt: Date;
}

export interface DeadLetterRow extends NewDeadLetter {
  id: string;
  receivedAt: Date;
  state: DeadLetterState;
  replayedAt: Date | null;
  replayedBy: string | null;
  replayAttempts: number;
  lastReplayError: string | null;
}

const columns = `id::text AS id, dlq_topic AS "dlqTopic", dlq_partition AS "dlqPartition", dlq_offset::text AS "dlqOffset",
  message_key AS key, message_value AS value, headers, reason, kind, original_topic AS "originalTopic",
  original_partition AS "originalPartition", original_offset::text AS "originalOffset", consumer_group AS "group",
  attempts, failed_at AS "failedAt", received_at AS "receivedAt", state, replayed_at AS "replayedAt",
  replayed_by AS "replayedBy", replay_attempts AS "replayAttempts", last_replay_error AS "lastReplayError"`;

/** Stores a dead letter once: the same DLQ record read again (a redelivery) changes nothing. */
export async function insertDeadLetter(db: Queryable, d: NewDeadLetter): Promise<void> {
  await db.query(
    `INSERT INTO dead_letters (dlq_topic, dlq_partition, dlq_offset, message_key, message_value, headers, reason, kind,
       original_topic, original_partition, original_offset, consumer_group, attempts, failed_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
     ON CONFLICT (dlq_topic, dlq_partition, dlq_offset) DO NOTHING`,
    [d.dlqTopic, d.dlqPartition, d.dlqOffset, d.key, d.value, JSON.stringify(d.headers), d.reason, d.kind, d.originalTopic, d.originalPartition, d.originalOffset, d.group, d.attempts, d.failedAt],
  );
}

/** One state, newest first; `before` is the last id of the previous page. */
export async function listDeadLetters(pool: Pool, options: { state: DeadLetterState; limit: number; before?: string | undefined }): Promise<DeadLetterRow[]> {
  const { rows } = await pool.query<DeadLetterRow>(
    `SELECT ${columns} FROM dead_letters WHERE state = $1 AND ($2::bigint IS NULL OR id < $2::bigint) ORDER BY id DESC LIMIT $3`,
    [options.state, options.before ?? null, options.limit],
  );
  return rows;
}

/** The row, locked for the rest of `client`'s transaction: two replays of one row run one after the other. */
export async function lockDeadLetter(client: PoolClient, id: string): Promise<DeadLetterRow | undefined> {
  const { rows } = await client.query<DeadLetterRow>(`SELECT ${columns} FROM dead_letters WHERE id = $1 FOR UPDATE`, [id]);
  return rows[0];
}

export async function markReplayed(client: PoolClient, id: string, by: string): Promise<DeadLetterRow | undefined> {
  const { rows } = await client.query<DeadLetterRow>(
    `UPDATE dead_letters SET state = 'replayed', replayed_at = now(), replayed_by = $2, replay_attempts = replay_attempts + 1, last_replay_error = NULL
     WHERE id = $1 RETURNING ${columns}`,
    [id, by],
  );
  return rows[0];
}

export async function recordReplayFailure(client: PoolClient, id: string, error: string): Promise<void> {
  await client.query('UPDATE dead_letters SET replay_attempts = replay_attempts + 1, last_replay_error = $2 WHERE id = $1', [id, error]);
}
