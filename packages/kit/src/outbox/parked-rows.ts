// Parked-row administration: what an operator needs to see and act on rows Kafka refuses
// (docs/design.md: visible and replayable), and the counts behind the parked/blocked gauges.
import type { Pool } from 'pg';
import type { Queryable } from '../db/pool.ts';
import { outboxChannel } from './enqueue.ts';
import { blockedByParked } from './outbox-row.ts';

export interface ParkedOutboxRow {
  id: number;
  eventId: string;
  type: string | null;
  topic: string;
  key: string;
  attempts: number;
  /** Why Kafka refused it, as the relay last saw it. */
  lastError: string | null;
  createdAt: Date;
  parkedAt: Date;
  /** Later rows of the same topic and key held back behind this one (per-key order). */
  blockedBehind: number;
}

/** Parked rows, oldest first: what an operator has to look at (docs/design.md: visible and replayable). */
export async function listParkedOutbox(pool: Pool): Promise<ParkedOutboxRow[]> {
  const { rows } = await pool.query<ParkedOutboxRow>(
    `SELECT o.id, o.event_id AS "eventId", o.payload->>'type' AS type, o.topic, o.key, o.attempts,
            o.last_error AS "lastError", o.created_at AS "createdAt", o.parked_at AS "parkedAt",
            (SELECT count(*)::int FROM outbox b
             WHERE b.published_at IS NULL AND b.parked_at IS NULL AND b.topic = o.topic AND b.key = o.key AND b.id > o.id) AS "blockedBehind"
     FROM outbox o WHERE o.parked_at IS NOT NULL ORDER BY o.id`,
  );
  return rows;
}

/**
 * Unparks a row so the relays try it again (e.g. after the topic was created or the broker's limit
 * raised), with a fresh failure count. If Kafka still refuses it, it is parked again. Resolves false
 * when no parked row has that event id. Inside a transaction (`db` a client in BEGIN), the relays are
 * woken when it commits.
 */
export async function replayParkedOutbox(db: Queryable, eventId: string): Promise<boolean> {
  const result = await db.query(
    `WITH replayed AS (
       UPDATE outbox SET parked_at = NULL, attempts = 0 WHERE event_id = $1 AND parked_at IS NOT NULL RETURNING id
     )
     SELECT pg_notify($2, '') FROM replayed`,
    [eventId, outboxChannel],
  );
  return (result.rowCount ?? 0) > 0;
}

/**
 * What an outbox still has to send: rows waiting for the relay (not published, not parked), when the
 * oldest of them was written (how far behind the relay is), and the parked rows beside them. For the
 * console's overview; the count walks only the partial index of unpublished rows.
 */
export async function outboxBacklog(pool: Pool): Promise<{ unpublished: number; oldestUnpublishedAt: Date | null; parked: number }> {
  const { rows } = await pool.query<{ unpublished: number; oldest: Date | null; parked: number }>(
    `SELECT count(*) FILTER (WHERE parked_at IS NULL)::int AS unpublished,
            min(created_at) FILTER (WHERE parked_at IS NULL) AS oldest,
            count(*) FILTER (WHERE parked_at IS NOT NULL)::int AS parked
     FROM outbox WHERE published_at IS NULL`,
  );
  const row = rows[0];
  return { unpublished: row?.unpublished ?? 0, oldestUnpublishedAt: row?.oldest ?? null, parked: row?.parked ?? 0 };
}

export async function countParked(pool: Pool): Promise<number> {
  const { rows } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM outbox WHERE parked_at IS NOT NULL');
  return rows[0]?.n ?? 0;
}

/** Why a row was parked, from its last error: the broker's rejection type, or a missing topic. */
const parkReasonSql = `coalesce(
  substring(last_error from '(MESSAGE_TOO_LARGE|RECORD_LIST_TOO_LARGE|INVALID_RECORD|INVALID_TOPIC_EXCEPTION|TOPIC_AUTHORIZATION_FAILED)'),
  CASE WHEN last_error LIKE '%does not exist on the broker%' THEN 'TOPIC_MISSING' END,
  'OTHER')`;

export async function countParkedByReason(pool: Pool): Promise<{ topic: string; reason: string; n: number }[]> {
  const { rows } = await pool.query<{ topic: string; reason: string; n: number }>(
    `SELECT topic, ${parkReasonSql} AS reason, count(*)::int AS n FROM outbox WHERE parked_at IS NOT NULL GROUP BY 1, 2`,
  );
  return rows;
}

/** Rows held back behind a parked row of their key (per-key order). */
export async function countBlocked(pool: Pool): Promise<number> {
  const { rows } = await pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM outbox o WHERE published_at IS NULL AND parked_at IS NULL AND ${blockedByParked('o')}`,
  );
  return rows[0]?.n ?? 0;
}
