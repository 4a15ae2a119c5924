// channel_refunds: the adapter's record of each refund, and the outbox results it publishes in the
// same transaction as each change (as pg-debit-store.ts does for debits).
import { createEvent } from '@gateway/contracts';
import type { CurrencyCode, MinorUnits } from '@gateway/contracts';
import { enqueueEvent } from '@gateway/kit';
import type { Queryable } from '@gateway/kit';
import type { Pool, PoolClient } from 'pg';
import type { RefundNotice, RefundRecord, RefundState } from '../domain/refund-state.ts';
import { serviceName } from '../service-name.ts';

type Row = {
  channel_id: string;
  reference: string;
  intent_id: string;
  channel_ref: string;
  channel_txn_id: string;
  amount: string;
  currency: string;
  state: RefundState;
  reversal_id: string | null;
  refunded_at: Date | null;
  failure_code: string | null;
  failure_message: string | null;
  correlation_id: string;
  attempts: number;
  next_inquiry_at: Date | null;
  unknown_since: Date | null;
  last_error: string | null;
};

function toRecord(row: Row): RefundRecord {
  return {
    channelId: row.channel_id,
    reference: row.reference,
    intentId: row.intent_id,
    channelRef: row.channel_ref,
    channelTxnId: row.channel_txn_id,
    amount: { amount: Number(row.amount) as MinorUnits, currency: row.currency as CurrencyCode },
    state: row.state,
    reversalId: row.reversal_id,
    refundedAt: row.refunded_at?.toISOString() ?? null,
    failureCode: row.failure_code,
    failureMessage: row.failure_message,
    correlationId: row.correlation_id,
    attempts: row.attempts,
    nextInquiryAt: row.next_inquiry_at,
    unknownSince: row.unknown_since,
    lastError: row.last_error,
  };
}

// The changing fields, in one order for the insert and the update (see pg-debit-store.ts).
const mutableColumns = ['state', 'reversal_id', 'refunded_at', 'failure_code', 'failure_message', 'attempts', 'next_inquiry_at', 'unknown_since', 'last_error'];

function mutableValues(r: RefundRecord): unknown[] {
  return [r.state, r.reversalId, r.refundedAt, r.failureCode, r.failureMessage, r.attempts, r.nextInquiryAt, r.unknownSince, r.lastError];
}

const columns = ['channel_id', 'reference', 'intent_id', 'channel_ref', 'channel_txn_id', 'amount', 'currency', 'correlation_id', ...mutableColumns].join(', ');

export async function insertRefund(client: PoolClient, r: RefundRecord): Promise<void> {
  const values = [r.channelId, r.reference, r.intentId, r.channelRef, r.channelTxnId, r.amount.amount, r.amount.currency, r.correlationId, ...mutableValues(r)];
  await client.query(`INSERT INTO channel_refunds (${columns}) VALUES (${values.map((_, i) => `$${i + 1}`).join(', ')})`, values);
}

export async function saveRefund(client: PoolClient, r: RefundRecord): Promise<void> {
  await client.query(
    `UPDATE channel_refunds SET ${mutableColumns.map((c, i) => `${c} = $${i + 3}`).join(', ')}, updated_at = now()
     WHERE channel_id = $1 AND reference = $2`,
    [r.channelId, r.reference, ...mutableValues(r)],
  );
}

export async function lockRefund(client: PoolClient, channelId: string, reference: string): Promise<RefundRecord | null> {
  const { rows } = await client.query<Row>(`SELECT ${columns} FROM channel_refunds WHERE channel_id = $1 AND reference = $2 FOR UPDATE`, [channelId, reference]);
  return rows[0] ? toRecord(rows[0]) : null;
}

/** The refund record as it stands (no lock): evidence for the operators' live debit inquiry. */
export async function findRefund(db: Queryable, channelId: string, reference: string): Promise<RefundRecord | null> {
  const { rows } = await db.query<Row>(`SELECT ${columns} FROM channel_refunds WHERE channel_id = $1 AND reference = $2`, [channelId, reference]);
  return rows[0] ? toRecord(rows[0]) : null;
}

/** Claims due refunds as leases (their due time pushed `leaseMs` ahead), as claimDueDebits does. */
export async function claimDueRefunds(pool: Pool, now: Date, leaseMs: number, limit: number, exclude: readonly string[]): Promise<RefundRecord[]> {
  const { rows } = await pool.query<Row>(
    `UPDATE channel_refunds r SET next_inquiry_at = $1::timestamptz + make_interval(secs => $2::double precision / 1000), updated_at = now()
     FROM (
       SELECT channel_id, reference FROM channel_refunds
       WHERE state IN ('sending', 'unknown') AND next_inquiry_at <= $1
         AND NOT (channel_id || ' ' || reference = ANY($4::text[]))
       ORDER BY next_inquiry_at
       LIMIT $3
       FOR UPDATE SKIP LOCKED
     ) due
     WHERE r.channel_id = due.channel_id AND r.reference = due.reference
     RETURNING ${columns.split(', ').map((c) => `r.${c}`).join(', ')}`,
    [now, leaseMs, limit, exclude],
  );
  return rows.map(toRecord);
}

/** Writes one refund result to the outbox, keyed by the intent (orchestration sees its results in order). */
export async function enqueueRefundResult(
  client: PoolClient,
  record: Pick<RefundRecord, 'intentId' | 'channelId' | 'reference' | 'channelTxnId' | 'amount' | 'correlationId'>,
  notice: RefundNotice,
  ctx: { now: Date; causationId: string | null; topic?: string | undefined },
): Promise<void> {
  const common = { intentId: record.intentId, channelId: record.channelId, reference: record.reference, channelTxnId: record.channelTxnId };
  const envelope = { producer: serviceName, key: record.intentId, correlationId: record.correlationId, causationId: ctx.causationId, occurredAt: ctx.now };
  const event = (() => {
    switch (notice.type) {
      case 'channel.refund-succeeded':
        return createEvent('channel.refund-succeeded', { ...envelope, payload: { ...common, amount: record.amount, reversalId: notice.reversalId, refundedAt: notice.refundedAt } });
      case 'channel.refund-failed':
        return createEvent('channel.refund-failed', {
          ...envelope,
          payload: { ...common, message: notice.message, channelCode: notice.channelCode, failedAt: ctx.now.toISOString() },
        });
      case 'channel.refund-unknown':
        return createEvent('channel.refund-unknown', {
          ...envelope,
          payload: { ...common, stage: notice.stage, attempts: notice.attempts, since: notice.since, lastError: notice.lastError },
        });
    }
  })();
  await enqueueEvent(client, event, ctx.topic);
}
