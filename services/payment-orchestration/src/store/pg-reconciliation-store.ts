// Reconciliations in Postgres: our ledger's movements of a channel's day, the stored result of each
// day's match and its exceptions. SQL only: the matching is domain/reconciliation.ts's.
import type { Queryable } from '@gateway/kit';
import type { ExceptionKind, MatchException, SettlementLine } from '../domain/reconciliation.ts';

/**
 * What we hold as moved at the channel that day, one line per movement, referenced by the intent id
 * (the debit's reference there): the debit of each intent's payment of the business day, the debit of
 * an intent whose debit is being or was given back (no payment: it bought nothing; a refund is asked
 * only for a debit the channel took, so it stands at the channel until the reversal succeeds), and
 * that reversal, on the day it succeeded (the next day's match for a debit of yesterday). Payments a
 * channel notified us of itself are not debits we asked for, so they are not in its debit statement.
 */
export async function ledgerLines(db: Queryable, channelId: string, businessDate: string, day: { cutOff: string; timeZone: string }): Promise<SettlementLine[]> {
  // A movement without a payment row is dated like a payment (domain/business-day.ts) and like the
  // channel's file: its local date, the next one from the channel's cut-off on. Local time + (24 h -
  // cut-off) crosses midnight exactly when the local time is at or after the cut-off.
  const { rows } = await db.query<{ reference: string; status: string; amount: string; currency: string; evidence: Record<string, unknown> }>(
    `SELECT p.intent_id AS reference, 'succeeded' AS status, p.amount + p.fee AS amount, p.currency,
            jsonb_build_object('paymentId', p.payment_id, 'receiptNo', p.receipt_no, 'channelTxnId', p.channel_txn_id, 'paymentStatus', p.status, 'paidAt', p.paid_at) AS evidence
       FROM payments p
      WHERE p.channel_id = $1 AND p.business_date = $2 AND p.intent_id IS NOT NULL
     UNION ALL
     SELECT i.intent_id, 'succeeded', i.amount + i.fee, i.currency,
            jsonb_build_object('intentStatus', i.status, 'channelTxnId', i.channel_txn_id, 'refundStatus', i.refund_status, 'createdAt', i.created_at)
       FROM payment_intents i
      WHERE i.channel_id = $1 AND i.payment_id IS NULL AND i.refund_status IS NOT NULL AND ((i.created_at AT TIME ZONE $3) + (interval '24 hours' - $4::interval))::date = $2
     UNION ALL
     SELECT i.intent_id, 'reversed', i.amount + i.fee, i.currency,
            jsonb_build_object('intentStatus', i.status, 'refundReversalId', i.refund_reversal_id, 'refundedAt', i.refunded_at)
       FROM payment_intents i
      WHERE i.channel_id = $1 AND i.refund_status = 'succeeded' AND ((i.refunded_at AT TIME ZONE $3) + (interval '24 hours' - $4::interval))::date = $2`,
    [channelId, businessDate, day.timeZone, day.cutOff],
  );
  return rows.map((r) => ({
    reference: r.reference,
    status: r.status,
    amount: Number(r.amount),
    currency: r.currency,
    evidence: { reference: r.reference, status: r.status, amount: Number(r.amount), currency: r.currency, ...r.evidence },
  }));
}

/** Which of these references are intents of the channel whose outcome is still unknown here. */
export async function unknownIntentsAmong(db: Queryable, channelId: string, references: string[]): Promise<string[]> {
  if (references.length === 0) return [];
  const { rows } = await db.query<{ intent_id: string }>(
    `SELECT intent_id FROM payment_intents WHERE channel_id = $1 AND intent_id = ANY($2::text[]) AND status = 'unknown' ORDER BY intent_id`,
    [channelId, references],
  );
  return rows.map((r) => r.intent_id);
}

/** Runs `fn` in a savepoint of the caller's transaction and keeps its writes only if `keep` says so. */
export async function keptIf<T>(client: Queryable, fn: () => Promise<T>, keep: (result: T) => boolean): Promise<{ result: T; kept: boolean }> {
  await client.query('SAVEPOINT kept_if');
  const result = await fn();
  const kept = keep(result);
  await client.query(kept ? 'RELEASE SAVEPOINT kept_if' : 'ROLLBACK TO SAVEPOINT kept_if; RELEASE SAVEPOINT kept_if');
  return { result, kept };
}

/** Which of these business dates of the channel have a matched settlement file. */
export async function matchedDays(db: Queryable, channelId: string, businessDates: string[]): Promise<Set<string>> {
  const { rows } = await db.query<{ business_date: string }>(
    `SELECT to_char(business_date, 'YYYY-MM-DD') AS business_date FROM reconciliations WHERE channel_id = $1 AND business_date = ANY($2::date[])`,
    [channelId, businessDates],
  );
  return new Set(rows.map((r) => r.business_date));
}

/** Records the missing-file alert of a channel's day; false when it was raised before (by anyone). */
export async function insertFileAlert(client: Queryable, alert: { channelId: string; businessDate: string; deadline: Date; at: Date }): Promise<boolean> {
  const { rowCount } = await client.query(
    `INSERT INTO settlement_file_alerts (channel_id, business_date, deadline, raised_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
    [alert.channelId, alert.businessDate, alert.deadline, alert.at],
  );
  return rowCount === 1;
}

export async function findFileAlert(db: Queryable, channelId: string, businessDate: string): Promise<{ raised_at: Date } | null> {
  const { rows } = await db.query<{ raised_at: Date }>('SELECT raised_at FROM settlement_file_alerts WHERE channel_id = $1 AND business_date = $2', [channelId, businessDate]);
  return rows[0] ?? null;
}

export type ReconciliationRow = {
  channel_id: string;
  business_date: string;
  file_id: string;
  sha256: string;
  fetched_at: Date;
  status: 'matched' | 'exceptions';
  currency: string;
  our_count: number;
  our_amount: string;
  their_count: number;
  their_amount: string;
};

export async function findReconciliation(db: Queryable, channelId: string, businessDate: string, lock = false): Promise<ReconciliationRow | null> {
  const { rows } = await db.query<ReconciliationRow>(
    `SELECT channel_id, to_char(business_date, 'YYYY-MM-DD') AS business_date, file_id, sha256, fetched_at, status, currency,
            our_count, our_amount, their_count, their_amount
       FROM reconciliations WHERE channel_id = $1 AND business_date = $2${lock ? ' FOR UPDATE' : ''}`,
    [channelId, businessDate],
  );
  return rows[0] ?? null;
}

export type NewReconciliation = {
  channelId: string;
  businessDate: string;
  fileId: string;
  sha256: string;
  fetchedAt: string;
  status: 'matched' | 'exceptions';
  currency: string;
  ours: { count: number; amount: number };
  theirs: { count: number; amount: number };
  exceptions: (MatchException & { exceptionId: string })[];
  at: Date;
};

/** Stores a day's result, replacing the previous file's: its exceptions still open are superseded. */
export async function saveReconciliation(client: Queryable, r: NewReconciliation): Promise<void> {
  await client.query(
    `INSERT INTO reconciliations (channel_id, business_date, file_id, sha256, fetched_at, status, currency, our_count, our_amount, their_count, their_amount, matched_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
     ON CONFLICT (channel_id, business_date) DO UPDATE SET
       file_id = EXCLUDED.file_id, sha256 = EXCLUDED.sha256, fetched_at = EXCLUDED.fetched_at, status = EXCLUDED.status,
       currency = EXCLUDED.currency, our_count = EXCLUDED.our_count, our_amount = EXCLUDED.our_amount,
       their_count = EXCLUDED.their_count, their_amount = EXCLUDED.their_amount, matched_at = EXCLUDED.matched_at`,
    [r.channelId, r.businessDate, r.fileId, r.sha256, r.fetchedAt, r.status, r.currency, r.ours.count, r.ours.amount, r.theirs.count, r.theirs.amount, r.at],
  );
  await client.query(
    `UPDATE reconciliation_exceptions SET status = 'superseded'
      WHERE channel_id = $1 AND business_date = $2 AND file_id <> $3 AND status = 'open'`,
    [r.channelId, r.businessDate, r.fileId],
  );
  for (const e of r.exceptions) {
    await client.query(
      `INSERT INTO reconciliation_exceptions (exception_id, channel_id, business_date, file_id, kind, reference, ours, theirs, status, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'open', $9)`,
      [e.exceptionId, r.channelId, r.businessDate, r.fileId, e.kind, e.reference, e.ours, e.theirs, r.at],
    );
  }
}

export type ExceptionRow = {
  exception_id: string;
  channel_id: string;
  business_date: string;
  file_id: string;
  kind: ExceptionKind;
  reference: string;
  ours: Record<string, unknown> | null;
  theirs: Record<string, unknown> | null;
  status: 'open' | 'resolved' | 'superseded';
  resolution: string | null;
  note: string | null;
  resolved_by: string | null;
  resolved_at: Date | null;
};

const exceptionColumns = `exception_id, channel_id, to_char(business_date, 'YYYY-MM-DD') AS business_date, file_id, kind, reference, ours, theirs,
  status, resolution, note, resolved_by, resolved_at`;

export async function listExceptions(db: Queryable, channelId: string, businessDate: string, fileId: string): Promise<ExceptionRow[]> {
  const { rows } = await db.query<ExceptionRow>(
    `SELECT ${exceptionColumns} FROM reconciliation_exceptions WHERE channel_id = $1 AND business_date = $2 AND file_id = $3 ORDER BY reference, exception_id`,
    [channelId, businessDate, fileId],
  );
  return rows;
}

export async function lockException(client: Queryable, exceptionId: string): Promise<ExceptionRow | null> {
  const { rows } = await client.query<ExceptionRow>(`SELECT ${exceptionColumns} FROM reconciliation_exceptions WHERE exception_id = $1 FOR UPDATE`, [exceptionId]);
  return rows[0] ?? null;
}

export async function markResolved(client: Queryable, exceptionId: string, r: { resolution: string; note: string; by: string; at: Date }): Promise<ExceptionRow> {
  const { rows } = await client.query<ExceptionRow>(
    `UPDATE reconciliation_exceptions SET status = 'resolved', resolution = $2, note = $3, resolved_by = $4, resolved_at = $5
      WHERE exception_id = $1 RETURNING ${exceptionColumns}`,
    [exceptionId, r.resolution, r.note, r.by, r.at],
  );
  return rows[0]!;
}
