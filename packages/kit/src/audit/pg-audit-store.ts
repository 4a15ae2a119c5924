// The audit log: every service has an `audit_log` table in its own database (its migration makes it
// append-only: triggers refuse UPDATE, DELETE and TRUNCATE). An operator action's row is written in
// the same transaction as the action, so an action without its audit row cannot commit; refused
// authentications arrive aggregated from refusal-audit.ts.
import type { Pool, PoolClient } from 'pg';

export type AuditEntry = { actor: string; action: string; target: string; detail?: Record<string, unknown>; requestId?: string | null };

export type AuditRow = { id: string; at: Date; actor: string; action: string; target: string; detail: Record<string, unknown>; requestId: string | null };

export type AuditQuery = {
  limit: number;
  /** Rows older than this id (the last id of the previous page). */
  beforeId?: string | undefined;
  actor?: string | undefined;
  action?: string | undefined;
  since?: Date | undefined;
};

export async function appendAudit(client: PoolClient | Pool, entry: AuditEntry): Promise<void> {
  await client.query('INSERT INTO audit_log (actor, action, target, detail, request_id) VALUES ($1, $2, $3, $4, $5)', [
    entry.actor,
    entry.action,
    entry.target,
    JSON.stringify(entry.detail ?? {}),
    entry.requestId ?? null,
  ]);
}

/**
 * Newest first, one page. The order is the id's (the order rows were appended in), not `at`, which is
 * the writing transaction's start and so may run a little out of order between transactions: the id
 * is unique and indexed, so the keyset cursor never skips or repeats a row however rows tie on `at`.
 */
export async function listAudit(client: PoolClient | Pool, query: AuditQuery): Promise<AuditRow[]> {
  const { rows } = await client.query<{ id: string; at: Date; actor: string; action: string; target: string; detail: Record<string, unknown>; request_id: string | null }>(
    `SELECT id::text AS id, at, actor, action, target, detail, request_id FROM audit_log
      WHERE ($1::bigint IS NULL OR id < $1::bigint)
        AND ($2::text IS NULL OR actor = $2)
        AND ($3::text IS NULL OR action = $3)
        AND ($4::timestamptz IS NULL OR at >= $4)
      ORDER BY id DESC
      LIMIT $5`,
    [query.beforeId ?? null, query.actor ?? null, query.action ?? null, query.since ?? null, query.limit],
  );
  return rows.map((r) => ({ id: r.id, at: r.at, actor: r.actor, action: r.action, target: r.target, detail: r.detail, requestId: r.request_id }));
}
