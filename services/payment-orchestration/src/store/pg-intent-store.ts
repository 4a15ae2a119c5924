// Payment intents in Postgres: the rows, their locks, the bills they hold (intent_bills) and the
// reconciliation queue. SQL only: every change goes lock the row (FOR UPDATE), ask the pure state
// machine (decideIntent), then write (flows/intent-change.ts), all in the caller's transaction.
import { money } from '@gateway/contracts';
import type { CurrencyCode, FailureReason, IntentStatus } from '@gateway/contracts';
import type { Queryable } from '@gateway/kit';
import type { IntentRecord, IntentRefund } from '../domain/intent-record.ts';
import type { ReconciliationReason } from '../domain/intent-state.ts';

type IntentRow = {
  intent_id: string;
  client_id: string;
  biller_id: string;
  account_no: string;
  requested_bill_ids: string[] | null;
  quoted_bill_ids: string[];
  amount: string;
  fee: string;
  currency: string;
  channel_id: string;
  reference: string;
  payer_msisdn: string | null;
  payer_account_no: string | null;
  status: IntentStatus;
  otp_length: number | null;
  otp_attempts_left: number | null;
  otp_expires_at: Date | null;
  channel_ref: string | null;
  last_error_reason: FailureReason | null;
  last_error_message: string | null;
  last_error_channel_code: string | null;
  reconciliation_reason: ReconciliationReason | null;
  reconciliation_detail: string | null;
  reconciliation_since: Date | null;
  unknown_since: Date | null;
  unknown_attempts: number;
  payment_id: string | null;
  receipt_no: string | null;
  channel_txn_id: string | null;
  refund_status: IntentRefund['status'] | null;
  refund_requested_at: Date | null;
  refunded_at: Date | null;
  refund_reversal_id: string | null;
  correlation_id: string;
  created_at: Date;
  expires_at: Date;
};

const iso = (d: Date | null): string | null => (d === null ? null : d.toISOString());

function toRecord(row: IntentRow): IntentRecord {
  const currency = row.currency as CurrencyCode;
  return {
    intentId: row.intent_id,
    clientId: row.client_id,
    billerId: row.biller_id,
    accountNo: row.account_no,
    requestedBillIds: row.requested_bill_ids,
    quotedBillIds: row.quoted_bill_ids,
    amount: money(BigInt(row.amount), currency),
    fee: money(BigInt(row.fee), currency),
    channelId: row.channel_id,
    reference: row.reference,
    payer: { msisdn: row.payer_msisdn, accountNo: row.payer_account_no },
    status: row.status,
    expiresAt: row.expires_at.toISOString(),
    otp:
      row.otp_length !== null && row.otp_expires_at !== null
        ? { length: row.otp_length, attemptsLeft: row.otp_attempts_left, expiresAt: row.otp_expires_at.toISOString() }
        : null,
    channelRef: row.channel_ref,
    lastError:
      row.last_error_reason !== null
        ? { reason: row.last_error_reason, message: row.last_error_message ?? '', channelCode: row.last_error_channel_code }
        : null,
    reconciliation: row.reconciliation_reason !== null ? { reason: row.reconciliation_reason, detail: row.reconciliation_detail ?? '' } : null,
    reconciliationSince: iso(row.reconciliation_since),
    unknownSince: iso(row.unknown_since),
    unknownAttempts: row.unknown_attempts,
    paymentId: row.payment_id,
    receiptNo: row.receipt_no,
    channelTxnId: row.channel_txn_id,
    refund:
      row.refund_status !== null && row.refund_requested_at !== null
        ? { status: row.refund_status, requestedAt: row.refund_requested_at.toISOString(), refundedAt: iso(row.refunded_at), reversalId: row.refund_reversal_id }
        : null,
    correlationId: row.correlation_id,
    createdAt: row.created_at.toISOString(),
  };
}

/** The intent that holds a bill against new intents (see holdsBills), as intent creation reports it. */
export type BillHolder = { intentId: string; clientId: string; billId: string; status: IntentStatus };

/**
 * The intent holding any of `billIds`, if one does (the lowest bill id's holder when several do).
 * The caller must hold the bills' payable_bills rows FOR UPDATE: a creation for the same bills
 * waits there, and this query, a new statement under READ COMMITTED, then sees its hold.
 */
export async function findBillHolder(db: Queryable, billIds: readonly string[]): Promise<BillHolder | null> {
  const { rows } = await db.query<{ intent_id: string; client_id: string; bill_id: string; status: IntentStatus }>(
    `SELECT b.intent_id, i.client_id, b.bill_id, i.status
     FROM intent_bills b JOIN payment_intents i ON i.intent_id = b.intent_id
     WHERE b.held AND b.bill_id = ANY($1::text[])
     ORDER BY b.bill_id LIMIT 1`,
    [billIds],
  );
  const row = rows[0];
  return row === undefined ? null : { intentId: row.intent_id, clientId: row.client_id, billId: row.bill_id, status: row.status };
}

/**
 * Writes a new intent and the bills it pays (intent_bills), held by it when `bills.held`. The caller
 * has checked with findBillHolder under the bills' locks; the partial unique index would refuse a
 * second holder anyway (a 500 and a rollback, so still no second debit).
 */
export async function insertIntent(client: Queryable, record: IntentRecord, bills: { billIds: readonly string[]; held: boolean }): Promise<void> {
  await client.query(
    `INSERT INTO payment_intents (intent_id, client_id, biller_id, account_no, requested_bill_ids, quoted_bill_ids, amount, fee,
       currency, channel_id, reference, payer_msisdn, payer_account_no, status, correlation_id, created_at, expires_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $16)`,
    [
      record.intentId,
      record.clientId,
      record.billerId,
      record.accountNo,
      record.requestedBillIds,
      record.quotedBillIds,
      record.amount.amount,
      record.fee.amount,
      record.amount.currency,
      record.channelId,
      record.reference,
      record.payer.msisdn,
      record.payer.accountNo,
      record.status,
      record.correlationId,
      record.createdAt,
      record.expiresAt,
    ],
  );
  await client.query(`INSERT INTO intent_bills (intent_id, bill_id, held) SELECT $1, unnest($2::text[]), $3`, [
    record.intentId,
    bills.billIds,
    bills.held,
  ]);
}

/** The intent stops holding its bills. */
export async function releaseBillHold(client: Queryable, intentId: string): Promise<void> {
  await client.query('UPDATE intent_bills SET held = false WHERE intent_id = $1 AND held', [intentId]);
}

/**
 * The intent holds its bills again (a failed or canceled intent flagged for reconciliation). Their
 * payable_bills rows are locked first, in bill_id order, as creation and recordPayment do, so it
 * never deadlocks with them and sees any hold a creation committed meanwhile; a bill another intent
 * took since the release stays with that one (it is open, so it blocks new intents just the same),
 * and the unique index is never hit on a channel result's path.
 */
export async function retakeBillHold(client: Queryable, intentId: string, billIds: readonly string[]): Promise<void> {
  await client.query('SELECT bill_id FROM payable_bills WHERE bill_id = ANY($1::text[]) ORDER BY bill_id FOR UPDATE', [billIds]);
  await client.query(
    `UPDATE intent_bills b SET held = true
     WHERE b.intent_id = $1 AND NOT b.held
       AND NOT EXISTS (SELECT 1 FROM intent_bills o WHERE o.bill_id = b.bill_id AND o.held)`,
    [intentId],
  );
}

/** The intent, locked until the caller's transaction ends; results and commands on it queue here. */
export async function lockIntent(client: Queryable, intentId: string): Promise<IntentRecord | null> {
  const { rows } = await client.query<IntentRow>('SELECT * FROM payment_intents WHERE intent_id = $1 FOR UPDATE', [intentId]);
  return rows[0] === undefined ? null : toRecord(rows[0]);
}

/** A client sees only its own intents: another client's is simply not found. */
export async function findClientIntent(db: Queryable, clientId: string, intentId: string, options: { lock?: boolean } = {}): Promise<IntentRecord | null> {
  const { rows } = await db.query<IntentRow>(
    `SELECT * FROM payment_intents WHERE intent_id = $1 AND client_id = $2${options.lock === true ? ' FOR UPDATE' : ''}`,
    [intentId, clientId],
  );
  return rows[0] === undefined ? null : toRecord(rows[0]);
}

/**
 * Intents the expiry sweeper must look at now, locked with SKIP LOCKED so two sweepers (two
 * instances of the service) share the work instead of handling one intent twice, and a consumer
 * holding an intent's lock is not waited for (its result may settle it anyway).
 */
export async function claimDueIntents(client: Queryable, now: Date, graceMs: number, limit: number): Promise<IntentRecord[]> {
  const { rows } = await client.query<IntentRow>(
    `SELECT * FROM payment_intents
     WHERE reconciliation_reason IS NULL
       AND ((status = 'requires_confirmation' AND expires_at <= $1)
         OR (status IN ('processing', 'unknown') AND expires_at <= $1::timestamptz - make_interval(secs => $2::double precision / 1000)))
     ORDER BY expires_at
     LIMIT $3
     FOR UPDATE SKIP LOCKED`,
    [now, graceMs, limit],
  );
  return rows.map(toRecord);
}

export async function saveIntent(client: Queryable, r: IntentRecord, now: Date): Promise<void> {
  await client.query(
    `UPDATE payment_intents SET status = $2, otp_length = $3, otp_attempts_left = $4, otp_expires_at = $5, channel_ref = $6,
       last_error_reason = $7, last_error_message = $8, last_error_channel_code = $9,
       reconciliation_reason = $10, reconciliation_detail = $11, reconciliation_since = $12,
       unknown_since = $13, unknown_attempts = $14, payment_id = $15, receipt_no = $16, channel_txn_id = $17, updated_at = $18,
       refund_status = $19, refund_requested_at = $20, refunded_at = $21, refund_reversal_id = $22
     WHERE intent_id = $1`,
    [
      r.intentId,
      r.status,
      r.otp?.length ?? null,
      r.otp?.attemptsLeft ?? null,
      r.otp?.expiresAt ?? null,
      r.channelRef,
      r.lastError?.reason ?? null,
      r.lastError?.message.slice(0, 500) ?? null,
      r.lastError?.channelCode ?? null,
      r.reconciliation?.reason ?? null,
      r.reconciliation?.detail.slice(0, 500) ?? null,
      r.reconciliationSince,
      r.unknownSince,
      r.unknownAttempts,
      r.paymentId,
      r.receiptNo,
      r.channelTxnId,
      now,
      r.refund?.status ?? null,
      r.refund?.requestedAt ?? null,
      r.refund?.refundedAt ?? null,
      r.refund?.reversalId ?? null,
    ],
  );
}

/**
 * The intents other than `exceptIntentId` that hold any of `billIds`, locked. SKIP LOCKED: an intent
 * locked now is being moved by a channel result or a portal command, which lock the intent before the
 * bills, while our caller already holds the bills; waiting would deadlock. Skipping is safe: a result
 * means the debit command was published already, and a portal command either ends the intent or lets
 * its debit go ahead; either way a debit that lands is refused (the bill is paid) and given back.
 */
export async function lockHoldersOf(client: Queryable, billIds: readonly string[], exceptIntentId: string | null): Promise<IntentRecord[]> {
  if (billIds.length === 0) return [];
  const { rows } = await client.query<IntentRow>(
    `SELECT i.* FROM payment_intents i
     WHERE i.intent_id IN (SELECT b.intent_id FROM intent_bills b WHERE b.held AND b.bill_id = ANY($1::text[]))
       AND i.intent_id IS DISTINCT FROM $2
     ORDER BY i.intent_id
     FOR UPDATE SKIP LOCKED`,
    [billIds, exceptIntentId],
  );
  return rows.map(toRecord);
}

export type QueueEntry = {
  intentId: string;
  channelId: string;
  reason: ReconciliationReason;
  detail: string;
  status: IntentStatus | null;
  moneyMoved: 'yes' | 'unknown';
  channelTxnId?: string | null | undefined;
  amount?: { amount: number; currency: string } | null | undefined;
  eventId?: string | null | undefined;
};

/** Puts a problem on the operators' queue; the same open problem for the same intent is queued once. */
export async function queueReconciliation(client: Queryable, entry: QueueEntry): Promise<void> {
  await client.query(
    `INSERT INTO intent_reconciliation (intent_id, channel_id, reason, detail, status, money_moved, channel_txn_id, amount, currency, event_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
     ON CONFLICT (intent_id, reason) WHERE resolved_at IS NULL DO NOTHING`,
    [
      entry.intentId,
      entry.channelId,
      entry.reason,
      entry.detail.slice(0, 2000),
      entry.status,
      entry.moneyMoved,
      entry.channelTxnId ?? null,
      entry.amount?.amount ?? null,
      entry.amount?.currency ?? null,
      entry.eventId ?? null,
    ],
  );
}

/** Settles the intent's open doubt entries (reasons in `reasons`) with how they ended. */
export async function resolveDoubt(client: Queryable, intentId: string, now: Date, resolution: string, reasons: readonly string[]): Promise<void> {
  await client.query(
    `UPDATE intent_reconciliation SET resolved_at = $2, resolution = $3
     WHERE intent_id = $1 AND resolved_at IS NULL AND reason = ANY($4::text[])`,
    [intentId, now, resolution, [...reasons]],
  );
}

/** Deletes the intent's debit command if it is still in the outbox (unsent); true when it deleted one. */
export async function deleteUnsentDebitCommand(client: Queryable, intentId: string): Promise<boolean> {
  const deleted = await client.query(
    `DELETE FROM outbox WHERE key = $1 AND published_at IS NULL AND payload->>'type' = 'channel.debit-requested'`,
    [intentId],
  );
  return (deleted.rowCount ?? 0) > 0;
}

/** The channel's id of the debit on the intent's open queue entry for `reason` (null if none, or none recorded). */
export async function openQueueChannelTxnId(client: Queryable, intentId: string, reason: string): Promise<string | null> {
  const { rows } = await client.query<{ channel_txn_id: string | null }>(
    'SELECT channel_txn_id FROM intent_reconciliation WHERE intent_id = $1 AND reason = $2 AND resolved_at IS NULL',
    [intentId, reason],
  );
  return rows[0]?.channel_txn_id ?? null;
}
