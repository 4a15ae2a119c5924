// The operators' view of payment intents: how many are in each status, and the reconciliation queue
// (intents flagged with payment_intents.reconciliation_reason) with what was recorded about each one
// (intent_reconciliation's entries, the bills). SQL only; reads, never locks.
import type { IntentStatus } from '@gateway/contracts';
import type { Queryable } from '@gateway/kit';
import type { ReconciliationReason } from '../domain/intent-state.ts';

// The queue's members and since when each is in it: every flagged intent, and every intent id with an
// open entry but no flagged intent row (UNION ALL: the second part excludes the first's).
const queueSql = `
  SELECT i.intent_id, i.reconciliation_since AS since FROM payment_intents i WHERE i.reconciliation_reason IS NOT NULL
  UNION ALL
  SELECT r.intent_id, min(r.created_at) AS since FROM intent_reconciliation r
  WHERE r.resolved_at IS NULL
    AND NOT EXISTS (SELECT 1 FROM payment_intents f WHERE f.intent_id = r.intent_id AND f.reconciliation_reason IS NOT NULL)
  GROUP BY r.intent_id`;

/**
 * Intents per status, and the reconciliation queue's size: the flagged intents, plus the intents
 * (known or not) with an open queue entry but no flag (a channel result for an intent we do not know,
 * or from another channel than the intent's).
 */
export async function countIntents(db: Queryable): Promise<{ byStatus: Map<IntentStatus, number>; reconciliation: number }> {
  const { rows } = await db.query<{ status: IntentStatus; n: number }>('SELECT status, count(*)::int AS n FROM payment_intents GROUP BY status');
  const queue = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM (${queueSql}) q`);
  return { byStatus: new Map(rows.map((r) => [r.status, r.n])), reconciliation: queue.rows[0]?.n ?? 0 };
}

/** A queue member; the intent's own columns are null when we have no such intent. */
export type QueuedIntentRow = {
  intent_id: string;
  since: Date;
  known: boolean;
  biller_id: string | null;
  account_no: string | null;
  status: IntentStatus | null;
  amount: string | null;
  fee: string | null;
  currency: string | null;
  channel_id: string;
  payer_msisdn: string | null;
  payer_account_no: string | null;
  reason: ReconciliationReason;
  detail: string | null;
  unknown_since: Date | null;
  unknown_attempts: number | null;
  channel_ref: string | null;
  channel_txn_id: string | null;
  last_error_reason: string | null;
  last_error_message: string | null;
  last_error_channel_code: string | null;
  refund_status: string | null;
  created_at: Date | null;
  expires_at: Date | null;
  bill_ids: string[];
};

/**
 * One page of the queue, newest first (by when it entered the queue, then intent id), starting after
 * `after`. One more row than asked says whether there is a next page. The reason and detail are the
 * intent's flag, or for an unflagged member its latest open entry's.
 */
export async function listQueuedIntents(db: Queryable, page: { limit: number; after?: { since: string; intentId: string } | undefined }): Promise<QueuedIntentRow[]> {
  const { rows } = await db.query<QueuedIntentRow>(
    `SELECT q.intent_id, q.since, i.intent_id IS NOT NULL AS known, i.biller_id, i.account_no, i.status, i.amount, i.fee,
       COALESCE(i.currency, e.currency) AS currency, COALESCE(i.channel_id, e.channel_id) AS channel_id, i.payer_msisdn, i.payer_account_no,
       COALESCE(i.reconciliation_reason, e.reason) AS reason, COALESCE(i.reconciliation_detail, e.detail) AS detail,
       i.unknown_since, i.unknown_attempts, i.channel_ref, COALESCE(i.channel_txn_id, e.channel_txn_id) AS channel_txn_id,
       i.last_error_reason, i.last_error_message, i.last_error_channel_code, i.refund_status, i.created_at, i.expires_at,
       COALESCE((SELECT array_agg(b.bill_id ORDER BY b.bill_id) FROM intent_bills b WHERE b.intent_id = q.intent_id), '{}') AS bill_ids
     FROM (${queueSql}) q
     LEFT JOIN payment_intents i ON i.intent_id = q.intent_id
     LEFT JOIN LATERAL (
       SELECT r.reason, r.detail, r.channel_id, r.channel_txn_id, r.currency FROM intent_reconciliation r
       WHERE r.intent_id = q.intent_id AND r.resolved_at IS NULL ORDER BY r.created_at DESC, r.id DESC LIMIT 1
     ) e ON true
     WHERE $1::timestamptz IS NULL OR (q.since, q.intent_id) < ($1::timestamptz, $2::text)
     ORDER BY q.since DESC, q.intent_id DESC
     LIMIT $3`,
    [page.after?.since ?? null, page.after?.intentId ?? null, page.limit + 1],
  );
  return rows;
}

export type QueueEntryRow = {
  intent_id: string;
  channel_id: string;
  reason: string;
  detail: string;
  status: string | null;
  money_moved: 'yes' | 'unknown';
  channel_txn_id: string | null;
  amount: string | null;
  currency: string | null;
  created_at: Date;
  resolved_at: Date | null;
  resolution: string | null;
};

/** Every queue entry (open and resolved) of these intents, oldest first: the history of their doubt. */
export async function listQueueEntries(db: Queryable, intentIds: readonly string[]): Promise<QueueEntryRow[]> {
  if (intentIds.length === 0) return [];
  const { rows } = await db.query<QueueEntryRow>(
    `SELECT intent_id, channel_id, reason, detail, status, money_moved, channel_txn_id, amount, currency, created_at, resolved_at, resolution
     FROM intent_reconciliation WHERE intent_id = ANY($1::text[]) ORDER BY created_at, id`,
    [[...intentIds]],
  );
  return rows;
}
