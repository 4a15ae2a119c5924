// What operators read about each channel's recent behaviour: the health history (written with each
// channel.health-changed event), and counts and latency of its debits over a window (channel_debits).
// SQL only.
import type { BreakerState } from '@gateway/contracts';
import type { Queryable } from '@gateway/kit';

export type HealthTransition = { channelId: string; from: BreakerState; to: BreakerState; at: Date; reason: string | null; actor: string | null };

export async function insertHealthTransition(db: Queryable, t: HealthTransition): Promise<void> {
  await db.query('INSERT INTO channel_health_history (channel_id, from_state, to_state, at, reason, actor) VALUES ($1, $2, $3, $4, $5, $6)', [
    t.channelId,
    t.from,
    t.to,
    t.at,
    t.reason,
    t.actor,
  ]);
}

/** The channel's latest transitions, newest first. */
export async function listHealthTransitions(db: Queryable, channelId: string, limit: number): Promise<HealthTransition[]> {
  const { rows } = await db.query<{ channel_id: string; from_state: BreakerState; to_state: BreakerState; at: Date; reason: string | null; actor: string | null }>(
    `SELECT channel_id, from_state, to_state, at, reason, actor FROM channel_health_history
     WHERE channel_id = $1 ORDER BY at DESC, id DESC LIMIT $2`,
    [channelId, limit],
  );
  return rows.map((r) => ({ channelId: r.channel_id, from: r.from_state, to: r.to_state, at: r.at, reason: r.reason, actor: r.actor }));
}

export type DebitWindowStats = { channelId: string; attempted: number; succeeded: number; failed: number; p95LatencyMs: number | null };

/**
 * Per channel, the debits created since `from`: how many, how many ended succeeded or failed, and the
 * 95th percentile of the debit call's latency (sent → its answer, refusal or timeout) among those sent.
 */
export async function debitWindowStats(db: Queryable, from: Date): Promise<DebitWindowStats[]> {
  const { rows } = await db.query<{ channel_id: string; attempted: number; succeeded: number; failed: number; p95_ms: number | null }>(
    `SELECT channel_id,
       count(*)::int AS attempted,
       count(*) FILTER (WHERE state = 'succeeded')::int AS succeeded,
       count(*) FILTER (WHERE state = 'failed')::int AS failed,
       percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM answered_at - sent_at) * 1000)
         FILTER (WHERE answered_at IS NOT NULL AND sent_at IS NOT NULL) AS p95_ms
     FROM channel_debits WHERE created_at >= $1 GROUP BY channel_id`,
    [from],
  );
  return rows.map((r) => ({ channelId: r.channel_id, attempted: r.attempted, succeeded: r.succeeded, failed: r.failed, p95LatencyMs: r.p95_ms === null ? null : Math.round(r.p95_ms) }));
}

export type ResolvingDebit = {
  channelId: string;
  reference: string;
  intentId: string;
  amount: string;
  currency: string;
  attempts: number;
  unknownSince: Date | null;
  nextInquiryAt: Date | null;
  lastError: string | null;
};

/** Per channel, how many debits' outcomes the adapter is still asking the channel for. */
export async function countResolvingDebits(db: Queryable): Promise<Map<string, number>> {
  const { rows } = await db.query<{ channel_id: string; n: number }>(`SELECT channel_id, count(*)::int AS n FROM channel_debits WHERE state = 'unknown' GROUP BY channel_id`);
  return new Map(rows.map((r) => [r.channel_id, r.n]));
}

/** The channel's debits whose outcome is still being asked for, oldest doubt first. */
export async function listResolvingDebits(db: Queryable, channelId: string, limit: number): Promise<ResolvingDebit[]> {
  const { rows } = await db.query<{
    channel_id: string;
    reference: string;
    intent_id: string;
    amount: string;
    currency: string;
    attempts: number;
    unknown_since: Date | null;
    next_inquiry_at: Date | null;
    last_error: string | null;
  }>(
    `SELECT channel_id, reference, intent_id, amount, currency, attempts, unknown_since, next_inquiry_at, last_error
     FROM channel_debits WHERE channel_id = $1 AND state = 'unknown' ORDER BY unknown_since, reference LIMIT $2`,
    [channelId, limit],
  );
  return rows.map((r) => ({
    channelId: r.channel_id,
    reference: r.reference,
    intentId: r.intent_id,
    amount: r.amount,
    currency: r.currency,
    attempts: r.attempts,
    unknownSince: r.unknown_since,
    nextInquiryAt: r.next_inquiry_at,
    lastError: r.last_error,
  }));
}

/** The call came back (answer, refusal, error or timeout): the first time only, for the latency. */
export async function markDebitAnswered(db: Queryable, channelId: string, reference: string, at: Date): Promise<void> {
  await db.query('UPDATE channel_debits SET answered_at = $3 WHERE channel_id = $1 AND reference = $2 AND answered_at IS NULL', [channelId, reference, at]);
}

export type DebitEvidence = {
  channelId: string;
  reference: string;
  intentId: string;
  state: string;
  amount: string;
  currency: string;
  channelRef: string | null;
  channelTxnId: string | null;
  failureReason: string | null;
  failureCode: string | null;
  failureMessage: string | null;
  attempts: number;
  sentAt: Date | null;
  answeredAt: Date | null;
  unknownSince: Date | null;
  nextInquiryAt: Date | null;
  lastError: string | null;
  updatedAt: Date;
};

/** The adapter's record of these intents' debits (what the channel answered, the inquiries made). */
export async function debitsOfIntents(db: Queryable, intentIds: readonly string[]): Promise<DebitEvidence[]> {
  if (intentIds.length === 0) return [];
  const { rows } = await db.query<{
    channel_id: string;
    reference: string;
    intent_id: string;
    state: string;
    amount: string;
    currency: string;
    channel_ref: string | null;
    channel_txn_id: string | null;
    failure_reason: string | null;
    failure_code: string | null;
    failure_message: string | null;
    attempts: number;
    sent_at: Date | null;
    answered_at: Date | null;
    unknown_since: Date | null;
    next_inquiry_at: Date | null;
    last_error: string | null;
    updated_at: Date;
  }>(
    `SELECT channel_id, reference, intent_id, state, amount, currency, channel_ref, channel_txn_id, failure_reason, failure_code, failure_message,
       attempts, sent_at, answered_at, unknown_since, next_inquiry_at, last_error, updated_at
     FROM channel_debits WHERE intent_id = ANY($1::text[]) ORDER BY intent_id, created_at`,
    [[...intentIds]],
  );
  return rows.map((r) => ({
    channelId: r.channel_id,
    reference: r.reference,
    intentId: r.intent_id,
    state: r.state,
    amount: r.amount,
    currency: r.currency,
    channelRef: r.channel_ref,
    channelTxnId: r.channel_txn_id,
    failureReason: r.failure_reason,
    failureCode: r.failure_code,
    failureMessage: r.failure_message,
    attempts: r.attempts,
    sentAt: r.sent_at,
    answeredAt: r.answered_at,
    unknownSince: r.unknown_since,
    nextInquiryAt: r.next_inquiry_at,
    lastError: r.last_error,
    updatedAt: r.updated_at,
  }));
}
