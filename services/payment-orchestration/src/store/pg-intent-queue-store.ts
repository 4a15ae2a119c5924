// The operators' view of payment intents: how many are in each status, and the reconciliation queue
// (intents flagged with payment_intents.reconciliation_reason) with what was recorded about each one
// (intent_reconciliation's entries, the bills). SQL only; reads, never locks.
import type { IntentStatus } from '@gateway/contracts';
import type { Queryable } from '@gateway/kit';
import type { ReconciliationReason } from '../domain/intent-state.ts';

/** Intents per status, and how many of them are in the reconciliation queue now. */
export async function countIntents(db: Queryable): Promise<{ byStatus: Map<IntentStatus, number>; reconciliation: number }> {
  const { rows } = await db.query<{ status: IntentStatus; n: number; flagged: number }>(
    `SELECT status, count(*)::int AS n, count(*) FILTER (WHERE reconciliation_reason IS NOT NULL)::int AS flagged
     FROM payment_intents GROUP BY status`,
  );
  return { byStatus: new Map(rows.map((r) => [r.status, r.n])), reconciliation: rows.reduce((sum, r) => sum + r.flagged, 0) };
}

export type QueuedIntentRow = {
  intent_id: string;
  biller_id: string;
  account_no: string;
  status: IntentStatus;
  amount: string;
  fee: string;
  currency: string;
  channel_id: string;
  payer_msisdn: string | null;
  payer_account_no: string | null;
  reconciliation_reason: ReconciliationReason;
  reconciliation_detail: string | null;
  reconciliation_since: Date;
  unknown_since: Date | null;
  unknown_attempts: number;
  channel_ref: string | null;
  channel_txn_id: string | null;
  last_error_reason: string | null;
  last_error_message: string | null;
  last_error_channel_code: string | null;
  refund_status: string | null;
  created_at: Date;
  expires_at: Date;
  bill_ids: string[];
};

/**
 * One page of the queue, newest first (by when the intent entered it, then intent id), starting
 * after `after`. One more row than asked says whether there is a next page.
 */
export async function listQueuedIntents(db: Queryable, page: { limit: number; after?: { since: string; intentId: string } | undefined }): Promise<QueuedIntentRow[]> {
  const { rows } = await db.query<QueuedIntentRow>(
    `SELECT i.intent_id, i.biller_id, i.account_no, i.status, i.amount, i.fee, i.currency, i.channel_id, i.payer_msisdn, i.payer_account_no,
       i.reconciliation_reason, i.reconciliation_detail, i.reconciliation_since, i.unknown_since, i.unknown_attempts, i.channel_ref,
       i.channel_txn_id, i.last_error_reason, i.last_error_message, i.last_error_channel_code, i.refund_status, i.created_at, i.expires_at,
       COALESCE((SELECT array_agg(b.bill_id ORDER BY b.bill_id) FROM intent_bills b WHERE b.intent_id = i.intent_id), '{}') AS bill_ids
     FROM payment_intents i
     WHERE i.reconciliation_reason IS NOT NULL
       AND ($1::timestamptz IS NULL OR (i.reconciliation_since, i.intent_id) < ($1::timestamptz, $2::text))
     ORDER BY i.reconciliation_since DESC, i.intent_id DESC
     LIMIT $3`,
    [page.after?.since ?? null, page.after?.intentId ?? null, page.limit + 1],
  );
  return rows;
}

export type QueueEntryRow = {
  intent_id: string;
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
    `SELECT intent_id, reason, detail, status, money_moved, channel_txn_id, amount, currency, created_at, resolved_at, resolution
     FROM intent_reconciliation WHERE intent_id = ANY($1::text[]) ORDER BY created_at, id`,
    [[...intentIds]],
  );
  return rows;
}
