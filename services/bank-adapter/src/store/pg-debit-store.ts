// channel_debits: the adapter's record of each debit, and the outbox results it publishes in the same
// transaction as each change, so a result is published if and only if the record says so.
import { createEvent } from '@gateway/contracts';
import type { CurrencyCode, FailureReason, MinorUnits } from '@gateway/contracts';
import { enqueueEvent } from '@gateway/kit';
import type { Queryable } from '@gateway/kit';
import type { Pool, PoolClient } from 'pg';
import type { DebitRecord, DebitState, ResultNotice } from '../domain/debit-state.ts';
import { serviceName } from '../service-name.ts';

type Row = {
  channel_id: string;
  reference: string;
  intent_id: string;
  amount: string;
  currency: string;
  state: DebitState;
  channel_ref: string | null;
  channel_txn_id: string | null;
  debited_at: Date | null;
  failure_reason: string | null;
  failure_code: string | null;
  failure_message: string | null;
  otp_length: number | null;
  otp_expires_at: Date | null;
  otp_attempts_left: number | null;
  correlation_id: string;
  attempts: number;
  next_inquiry_at: Date | null;
  sent_at: Date | null;
  unknown_since: Date | null;
  last_error: string | null;
};

function toRecord(row: Row): DebitRecord {
  return {
    channelId: row.channel_id,
    reference: row.reference,
    intentId: row.intent_id,
    amount: { amount: Number(row.amount) as MinorUnits, currency: row.currency as CurrencyCode },
    state: row.state,
    channelRef: row.channel_ref,
    channelTxnId: row.channel_txn_id,
    debitedAt: row.debited_at?.toISOString() ?? null,
    failureReason: row.failure_reason as FailureReason | null,
    failureCode: row.failure_code,
    failureMessage: row.failure_message,
    otpLength: row.otp_length,
    otpExpiresAt: row.otp_expires_at?.toISOString() ?? null,
    otpAttemptsLeft: row.otp_attempts_left,
    correlationId: row.correlation_id,
    attempts: row.attempts,
    nextInquiryAt: row.next_inquiry_at,
    sentAt: row.sent_at,
    unknownSince: row.unknown_since,
    lastError: row.last_error,
  };
}

// The fields a debit changes over its life, with the columns they are stored in, in one order: the
// insert and the update bind them from here, so a new field cannot reach one statement and miss the other.
const mutableColumns = [
  'state',
  'channel_ref',
  'channel_txn_id',
  'debited_at',
  'failure_reason',
  'failure_code',
  'failure_message',
  'otp_length',
  'otp_expires_at',
  'otp_attempts_left',
  'attempts',
  'next_inquiry_at',
  'sent_at',
  'unknown_since',
  'last_error',
];

function mutableValues(r: DebitRecord): unknown[] {
  return [
    r.state,
    r.channelRef,
    r.channelTxnId,
    r.debitedAt,
    r.failureReason,
    r.failureCode,
    r.failureMessage,
    r.otpLength,
    r.otpExpiresAt,
    r.otpAttemptsLeft,
    r.attempts,
    r.nextInquiryAt,
    r.sentAt,
    r.unknownSince,
    r.lastError,
  ];
}

const columns = ['channel_id', 'reference', 'intent_id', 'amount', 'currency', 'correlation_id', ...mutableColumns].join(', ');

/** Inserts a new record; false if one exists for this channel and reference (a repeated command). */
export async function insertDebit(db: Queryable, r: DebitRecord): Promise<boolean> {
  const values = [r.channelId, r.reference, r.intentId, r.amount.amount, r.amount.currency, r.correlationId, ...mutableValues(r)];
  const result = await db.query(
    `INSERT INTO channel_debits (${columns}) VALUES (${values.map((_, i) => `$${i + 1}`).join(', ')})
     ON CONFLICT (channel_id, reference) DO NOTHING`,
    values,
  );
  return result.rowCount === 1;
}

export async function saveDebit(db: Queryable, r: DebitRecord): Promise<void> {
  // $1 and $2 are the key; the changing fields follow from $3.
  await db.query(
    `UPDATE channel_debits SET ${mutableColumns.map((c, i) => `${c} = $${i + 3}`).join(', ')}, updated_at = now()
     WHERE channel_id = $1 AND reference = $2`,
    [r.channelId, r.reference, ...mutableValues(r)],
  );
}

/** The record, locked for the caller's transaction (commands and the poller never interleave on one debit). */
export async function lockDebit(client: PoolClient, channelId: string, reference: string): Promise<DebitRecord | null> {
  const { rows } = await client.query<Row>(`SELECT ${columns} FROM channel_debits WHERE channel_id = $1 AND reference = $2 FOR UPDATE`, [channelId, reference]);
  return rows[0] ? toRecord(rows[0]) : null;
}

export async function findDebit(db: Queryable, channelId: string, reference: string): Promise<DebitRecord | null> {
  const { rows } = await db.query<Row>(`SELECT ${columns} FROM channel_debits WHERE channel_id = $1 AND reference = $2`, [channelId, reference]);
  return rows[0] ? toRecord(rows[0]) : null;
}

/**
 * Claims up to `limit` debits whose inquiry is due, pushing their due time `leaseMs` ahead: the claim
 * is a lease, so the rows are not locked while the channel is asked, and a replica that dies
 * mid-inquiry leaves them to be claimed again when the lease runs out.
 */
export async function claimDueDebits(pool: Pool, now: Date, leaseMs: number, limit: number, exclude: readonly string[] = []): Promise<DebitRecord[]> {
  const { rows } = await pool.query<Row>(
    `UPDATE channel_debits d SET next_inquiry_at = $2::timestamptz + make_interval(secs => $3::double precision / 1000), updated_at = now()
     FROM (
       SELECT channel_id, reference FROM channel_debits
       WHERE state IN ('sending', 'confirming', 'unknown') AND next_inquiry_at <= $1
         AND NOT (channel_id || ' ' || reference = ANY($5::text[]))
       ORDER BY next_inquiry_at
       LIMIT $4
       FOR UPDATE SKIP LOCKED
     ) due
     WHERE d.channel_id = due.channel_id AND d.reference = due.reference
     RETURNING ${columns.split(', ').map((c) => `d.${c}`).join(', ')}`,
    [now, now, leaseMs, limit, exclude],
  );
  return rows.map(toRecord);
}

/** Writes one result to the outbox, keyed by the intent so orchestration sees an intent's results in order. */
export async function enqueueResult(client: PoolClient, record: DebitRecord, notice: ResultNotice, ctx: { now: Date; causationId: string | null; topic?: string | undefined }): Promise<void> {
  const common = { intentId: record.intentId, channelId: record.channelId, reference: record.reference };
  const envelope = { producer: serviceName, key: record.intentId, correlationId: record.correlationId, causationId: ctx.causationId, occurredAt: ctx.now };
  const at = ctx.now.toISOString();
  const event = (() => {
    switch (notice.type) {
      case 'channel.debit-succeeded':
        return createEvent('channel.debit-succeeded', { ...envelope, payload: { ...common, channelTxnId: notice.channelTxnId, amount: notice.amount, debitedAt: notice.debitedAt } });
      case 'channel.debit-failed':
        return createEvent('channel.debit-failed', {
          ...envelope,
          payload: { ...common, reason: notice.reason, message: notice.message, channelCode: notice.channelCode, moneyMoved: false, failedAt: at },
        });
      case 'channel.otp-required':
        return createEvent('channel.otp-required', {
          ...envelope,
          payload: { ...common, channelRef: notice.channelRef, otpLength: notice.otpLength, reason: notice.reason, attemptsLeft: notice.attemptsLeft, expiresAt: notice.expiresAt },
        });
      case 'channel.debit-unknown':
        return createEvent('channel.debit-unknown', {
          ...envelope,
          payload: { ...common, channelRef: notice.channelRef, stage: notice.stage, attempts: notice.attempts, since: notice.since, lastError: notice.lastError },
        });
    }
  })();
  await enqueueEvent(client, event, ctx.topic);
}
