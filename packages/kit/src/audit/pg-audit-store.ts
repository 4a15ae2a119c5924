// The audit log: every service has an `audit_log` table in its own database (its migration makes it
// append-only: triggers refuse UPDATE, DELETE and TRUNCATE). An operator action's row is written in
// the same transaction as the action, so an action without its audit row cannot commit; refused
// authentications arrive aggregated from refusal-audit.ts.
import type { Pool, PoolClient } from 'pg';

export type AuditEntry = { actor: string; action: string; target: string; detail?: Record<string, unknown>; requestId?: string | null };

export async function appendAudit(client: PoolClient | Pool, entry: AuditEntry): Promise<void> {
  await client.query('INSERT INTO audit_log (actor, action, target, detail, request_id) VALUES ($1, $2, $3, $4, $5)', [
    entry.actor,
    entry.action,
    entry.target,
    JSON.stringify(entry.detail ?? {}),
    entry.requestId ?? null,
  ]);
}
