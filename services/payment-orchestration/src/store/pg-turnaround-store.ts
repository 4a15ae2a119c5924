// The turnaround engine's SQL (domain/turnaround.ts has the rule): the intents whose stuck debit or
// refund is due for the next stage, and the record of each action. SQL only.
import type { Queryable } from '@gateway/kit';
import type { TurnaroundProgress, TurnaroundStage, TurnaroundSubject } from '../domain/turnaround.ts';

export type TurnaroundCandidate = { intentId: string; subject: TurnaroundSubject; progress: TurnaroundProgress };

/**
 * Intents whose stuck subject is due for its next stage by the rule of domain/turnaround.ts (the
 * channel's turnaround from the start, then `spacingMs` after the last action), locked FOR UPDATE SKIP
 * LOCKED: replicas share the work, and an intent a consumer is settling is not waited for. Intents whose
 * flag records moved money are an operator's and not taken (`doubtReasons` are the flags that are not).
 */
export async function claimTurnaroundDue(
  client: Queryable,
  input: { now: Date; turnarounds: { channelId: string; turnaroundMs: number }[]; defaultMs: number; spacingMs: number; doubtReasons: readonly string[]; limit: number },
): Promise<TurnaroundCandidate[]> {
  const { rows } = await client.query<{ intent_id: string; subject: TurnaroundSubject; inquiries: number; last_at: Date | null }>(
    `SELECT i.intent_id, s.subject, a.inquiries, a.last_at
       FROM payment_intents i
       CROSS JOIN LATERAL (
         SELECT CASE WHEN i.refund_status = 'requested' THEN 'refund' ELSE 'debit' END AS subject,
                CASE WHEN i.refund_status = 'requested' THEN i.refund_requested_at ELSE i.created_at END AS started_at
       ) s
       LEFT JOIN unnest($2::text[], $3::bigint[]) AS c(channel_id, turnaround_ms) ON c.channel_id = i.channel_id
       CROSS JOIN LATERAL (
         SELECT (count(*) FILTER (WHERE t.stage <> 'escalated'))::int AS inquiries, bool_or(t.stage = 'escalated') AS escalated, max(t.acted_at) AS last_at
           FROM intent_turnaround_actions t WHERE t.intent_id = i.intent_id AND t.subject = s.subject
       ) a
      WHERE (i.status IN ('processing', 'unknown') OR i.refund_status = 'requested')
        AND (i.reconciliation_reason IS NULL OR i.reconciliation_reason = ANY($6::text[]))
        AND a.escalated IS NOT TRUE
        AND CASE WHEN a.last_at IS NULL THEN s.started_at + make_interval(secs => coalesce(c.turnaround_ms, $4::bigint) / 1000.0)
                 ELSE a.last_at + make_interval(secs => $5::bigint / 1000.0) END <= $1
      ORDER BY i.created_at
      LIMIT $7
      FOR UPDATE OF i SKIP LOCKED`,
    [
      input.now,
      input.turnarounds.map((t) => t.channelId),
      input.turnarounds.map((t) => t.turnaroundMs),
      input.defaultMs,
      input.spacingMs,
      [...input.doubtReasons],
      input.limit,
    ],
  );
  return rows.map((r) => ({ intentId: r.intent_id, subject: r.subject, progress: { inquiries: r.inquiries, escalated: false, lastActedAt: r.last_at } }));
}

/** Records one action; false when this stage of this subject was already acted on (nothing to do again). */
export async function recordTurnaroundAction(
  client: Queryable,
  action: { intentId: string; subject: TurnaroundSubject; stage: TurnaroundStage; action: string; detail: string; at: Date },
): Promise<boolean> {
  const result = await client.query(
    `INSERT INTO intent_turnaround_actions (intent_id, subject, stage, action, detail, acted_at) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (intent_id, subject, stage) DO NOTHING`,
    [action.intentId, action.subject, action.stage, action.action, action.detail.slice(0, 2000), action.at],
  );
  return (result.rowCount ?? 0) > 0;
}
