import type { Pool } from 'pg';

/** One outbox row as the relay claims it. */
export interface OutboxRow {
  id: number;
  event_id: string;
  topic: string;
  key: string;
  /** The event envelope as JSON text, sent as the message value as it is (never parsed here). */
  payload: string;
  headers: Record<string, string>;
  attempts: number;
}

/**
 * The row has an earlier parked row of the same topic and key: it is held back (blocked), because
 * publishing it would put an aggregate's events out of order (payment.reversed before the
 * payment.completed it reverses). Availability for that one aggregate is traded for its order; every
 * other key keeps flowing, and the block lifts when the parked row is replayed and published.
 *
 * A scalar subquery, probed per row with the row's topic and key as index conditions, not EXISTS:
 * right after a bulk insert (a bill import), statistics that still counted no unpublished rows let the
 * planner make EXISTS an anti join that scanned every unpublished row's index entry for each
 * candidate, 30,000 × 30,000, and a claim took minutes while it held a core.
 */
export const blockedByParked = (alias: string) => `(
      SELECT 1 FROM outbox p
      WHERE p.published_at IS NULL AND p.parked_at IS NOT NULL
        AND p.topic = ${alias}.topic AND p.key = ${alias}.key AND p.id < ${alias}.id
      LIMIT 1
    ) IS NOT NULL`;

/**
 * Unpublished rows a relay can still publish: parked rows, and rows held back behind a parked row of
 * their key, are not counted, or flush() would wait for them in vain.
 */
export async function countPending(pool: Pool): Promise<number> {
  const { rows } = await pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM outbox o WHERE published_at IS NULL AND parked_at IS NULL AND NOT ${blockedByParked('o')}`,
  );
  return rows[0]?.n ?? 0;
}

export function eventTypeOf(row: OutboxRow): string | undefined {
  if (row.headers['event-type'] !== undefined) return row.headers['event-type'];
  try {
    const type = (JSON.parse(row.payload) as { type?: unknown } | null)?.type;
    return typeof type === 'string' ? type : undefined;
  } catch {
    return undefined;
  }
}

export function errorText(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  // kafkajs wraps the broker's answer (KafkaJSNumberOfRetriesExceeded around a protocol error): keep
  // the inner one, it is the reason an operator needs.
  const cause = (err as { cause?: unknown }).cause;
  const inner = cause instanceof Error && cause !== err && cause.message !== err.message ? ` (caused by ${cause.name}: ${cause.message})` : '';
  const type = (err as { type?: unknown }).type;
  return `${err.name}${typeof type === 'string' ? ` ${type}` : ''}: ${err.message}${inner}`;
}
