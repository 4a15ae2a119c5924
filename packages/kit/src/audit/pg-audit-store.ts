// The audit log: every service has an `audit_log` table in its own database (its migration makes it
// append-only: triggers refuse UPDATE, DELETE and TRUNCATE). An operator action's row is written in
// the same transaction as the action, so an action without its audit row cannot commit; refused
// authentications arrive aggregated from refusal-audit.ts.
import type { Pool, PoolClient } from 'pg';

export type AuditEntry = { actor: string; action: string; target: string; detail?: Record<string, unknown>; requestId?: string | null };

export type AuditRow = { id: number; at: string; actor: string; action: string; target: string; detail: Record<string, unknown>; requestId: string | null };

export async function appendAudit(client: PoolClient | Pool, entry: AuditEntry): Promise<void> {
  await client.query('INSERT INTO audit_log (actor, action, target, detail, request_id) VALUES ($1, $2, $3, $4, $5)', [
    entry.actor,
    entry.action,
    entry.target,
    JSON.stringify(entry.detail ?? {}),
    entry.requestId ?? null,
  ]);
}

export async function auditOf(db: PoolClient | Pool, target: string, limit = 50): Promise<AuditRow[]> {
  const { rows } = await db.query<{ id: string; at: Date; actor: string; action: string; target: string; detail: Record<string, unknown>; request_id: string | null }>(
    'SELECT id, at, actor, action, target, detail, request_id FROM audit_log WHERE target = $1 ORDER BY id DESC LIMIT $2',
    [target, limit],
  );
  return rows.map((r) => ({ id: Number(r.id), at: r.at.toISOString(), actor: r.actor, action: r.action, target: r.target, detail: r.detail, requestId: r.request_id }));
}
