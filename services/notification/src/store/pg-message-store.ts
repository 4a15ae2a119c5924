// sms_messages, sms_parts and delivery_receipts: the life of each SMS from the decision to send it to
// its delivery receipt. SQL only: the flows (flows/sms-outcome-steps.ts) run these in one transaction
// with the outbox event that announces each change others must know about (sent, delivered, failed).
import { smsTemplateSchema } from '@gateway/contracts';
import type { SmsTemplate } from '@gateway/contracts';
import type { Queryable } from '@gateway/kit';
import type { Pool, PoolClient } from 'pg';
import { v7 as uuidv7 } from 'uuid';
import type { SmsEncoding } from '../domain/sms-encoding.ts';
import type { SmsRequest } from '../domain/sms-plan.ts';
import type { PartState } from '../domain/message-outcome.ts';
import type { SmsLocale } from '../domain/sms-templates.ts';

export type MessageState = 'queued' | 'submitted' | 'delivered' | 'failed' | 'expired' | 'suppressed';
export type ReceiptState = 'delivered' | 'failed' | 'expired';

/** Who and what a message is: what every notification.* event about it carries. */
export type MessageRef = {
  messageId: string;
  recipient: string;
  template: SmsTemplate;
  locale: SmsLocale;
  accountNo: string | null;
  sourceEventId: string | null;
  campaignId: string | null;
  correlationId: string | null;
};

/** What the dispatcher holds while it sends a message. */
export type ClaimedMessage = MessageRef & {
  body: string;
  urgent: boolean;
  attempts: number;
  optedOut: boolean;
  /** Parts the SMSC already accepted on an earlier attempt, by part number. */
  accepted: Map<number, string>;
};

export type AcceptedPart = { seq: number; smscMessageId: string };

/** Writes the requests that are new; a dedupe key already present is skipped. Returns how many were new. */
export async function enqueueSms(db: Queryable, requests: readonly SmsRequest[]): Promise<number> {
  return (await enqueueNewSms(db, requests)).size;
}

/**
 * The same, returning the dedupe keys written. Keys repeated among `requests` are written once (the
 * first); a key already present is skipped, so this is what makes "one SMS per reason".
 */
export async function enqueueNewSms(db: Queryable, requests: readonly SmsRequest[]): Promise<Set<string>> {
  if (requests.length === 0) return new Set();
  const { rows } = await db.query<{ dedupe_key: string }>(
    `INSERT INTO sms_messages (message_id, dedupe_key, recipient, template, locale, account_no, source_event_id, body, urgent, state, not_before, correlation_id)
     SELECT id, key, recipient, template, locale, account_no, source_event_id, body, urgent, 'queued', not_before, correlation_id
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::boolean[], $10::timestamptz[], $11::text[])
         WITH ORDINALITY AS r(id, key, recipient, template, locale, account_no, source_event_id, body, urgent, not_before, correlation_id, n)
      ORDER BY n
     ON CONFLICT (dedupe_key) DO NOTHING
     RETURNING dedupe_key`,
    [
      requests.map(() => uuidv7()),
      requests.map((r) => r.dedupeKey),
      requests.map((r) => r.recipient),
      requests.map((r) => r.template),
      requests.map((r) => r.locale),
      requests.map((r) => r.accountNo),
      requests.map((r) => r.sourceEventId),
      requests.map((r) => r.body),
      requests.map((r) => r.urgent),
      requests.map((r) => r.notBefore.toISOString()),
      requests.map((r) => r.correlationId),
    ],
  );
  return new Set(rows.map((r) => r.dedupe_key));
}

const refColumns = 'message_id, recipient, template, locale, account_no, source_event_id, campaign_id, correlation_id';

type RefRow = {
  message_id: string;
  recipient: string;
  template: string;
  locale: SmsLocale;
  account_no: string | null;
  source_event_id: string | null;
  campaign_id: string | null;
  correlation_id: string | null;
};

function refOf(row: RefRow): MessageRef {
  return {
    messageId: row.message_id,
    recipient: row.recipient,
    template: smsTemplateSchema.parse(row.template),
    locale: row.locale,
    accountNo: row.account_no,
    sourceEventId: row.source_event_id,
    campaignId: row.campaign_id,
    correlationId: row.correlation_id,
  };
}

type ClaimedRow = RefRow & {
  body: string;
  urgent: boolean;
  attempts: number;
  opted_out: boolean;
  accepted: { seq: number; smsc_message_id: string }[] | null;
};

/**
 * Takes up to `limit` messages that are due, urgent ones first, and leases them for `leaseMs`. SKIP
 * LOCKED lets several dispatchers (replicas) share the queue without taking the same message; the
 * lease hands a message over to another one if its holder dies mid-send.
 *
 * A recipient with a message in flight gets no second one until it is done: the concatenation
 * reference is only 8 bits, and two long messages interleaved on one handset with the same
 * reference would be stitched together into nonsense. (The caller sends two claimed in one batch for
 * one recipient one after the other.)
 *
 * The look-ahead (`ahead`) reads the head of the queue in index order and stops: with the busy
 * recipients filtered in the same step, Postgres misjudged how many rows survive the filter and
 * sorted the whole queue instead, 300 ms a claim at 260,000 queued (a due-date peak) while every
 * claim ahead repeats it. Ten times the limit leaves room for recipients that are busy.
 */
export async function claimDueMessages(pool: Pool, limit: number, leaseMs: number, now: Date): Promise<ClaimedMessage[]> {
  const { rows } = await pool.query<ClaimedRow>(
    `WITH ahead AS (
       SELECT message_id, recipient, urgent, not_before FROM sms_messages
        WHERE state = 'queued' AND not_before <= $1 AND (lease_until IS NULL OR lease_until <= $1)
        ORDER BY urgent DESC, not_before, message_id
        LIMIT $2 * 10
     ), due AS (
       SELECT m.message_id FROM ahead a JOIN sms_messages m USING (message_id)
        WHERE m.state = 'queued' AND (m.lease_until IS NULL OR m.lease_until <= $1)
          AND NOT EXISTS (
            SELECT 1 FROM sms_messages busy WHERE busy.recipient = a.recipient AND busy.state = 'queued' AND busy.lease_until > $1
          )
        ORDER BY a.urgent DESC, a.not_before, a.message_id
        LIMIT $2
        FOR UPDATE OF m SKIP LOCKED
     )
     UPDATE sms_messages m SET lease_until = $1::timestamptz + make_interval(secs => $3 / 1000.0)
       FROM due WHERE m.message_id = due.message_id
     RETURNING m.message_id, m.recipient, m.template, m.locale, m.account_no, m.source_event_id, m.campaign_id, m.correlation_id,
               m.body, m.urgent, m.attempts,
               COALESCE((SELECT o.opted_out FROM opt_outs o WHERE o.msisdn = m.recipient), false) AS opted_out,
               (SELECT json_agg(json_build_object('seq', p.seq, 'smsc_message_id', p.smsc_message_id)) FROM sms_parts p WHERE p.message_id = m.message_id) AS accepted`,
    [now.toISOString(), limit, leaseMs],
  );
  return rows
    .sort((a, b) => Number(b.urgent) - Number(a.urgent))
    .map((r) => ({
      ...refOf(r),
      body: r.body,
      urgent: r.urgent,
      attempts: r.attempts,
      optedOut: r.opted_out,
      accepted: new Map((r.accepted ?? []).map((p) => [p.seq, p.smsc_message_id])),
    }));
}

/** Ends the leases of claimed messages that were never started (the dispatcher is stopping). */
export async function releaseMessages(db: Queryable, messageIds: readonly string[]): Promise<void> {
  if (messageIds.length === 0) return;
  await db.query(`UPDATE sms_messages SET lease_until = NULL WHERE message_id = ANY($1::uuid[]) AND state = 'queued'`, [messageIds]);
}

export type DueQueueRow = { urgent: boolean; n: number; oldest: number | null };

/** How many queued messages are due and how late the oldest is (in seconds), by urgency. */
export async function dueQueueStats(db: Queryable): Promise<DueQueueRow[]> {
  const { rows } = await db.query<DueQueueRow>(
    `SELECT urgent, count(*)::int AS n, EXTRACT(EPOCH FROM now() - min(not_before))::float8 AS oldest
       FROM sms_messages WHERE state = 'queued' AND not_before <= now() GROUP BY urgent`,
  );
  return rows;
}

/**
 * Puts a held message back in the queue for `until` (quiet hours, a retry's backoff). `countAttempt`
 * is set only for an SMSC error: waiting out the night or a dropped connection is no fault of the
 * message and must not bring it closer to being given up.
 */
export async function deferMessage(db: Queryable, messageId: string, until: Date, reason: string | null, countAttempt: boolean): Promise<void> {
  await db.query(
    `UPDATE sms_messages SET not_before = $2, lease_until = NULL, last_error = COALESCE($3, last_error), attempts = attempts + $4
      WHERE message_id = $1 AND state = 'queued'`,
    [messageId, until.toISOString(), reason, countAttempt ? 1 : 0],
  );
}

export async function suppressMessage(db: Queryable, messageId: string, reason: string, now: Date): Promise<void> {
  await db.query(`UPDATE sms_messages SET state = 'suppressed', lease_until = NULL, last_error = $2, done_at = $3 WHERE message_id = $1 AND state = 'queued'`, [
    messageId,
    reason,
    now.toISOString(),
  ]);
}

export type StopReasons = {
  /** Why a message of a canceled campaign is not sent. */
  campaignCanceled: string;
  /** Why a message the recipient's opt-out applies to is not sent; null when no opt-out applies to it. */
  optedOut: string | null;
};

/**
 * The last look before a message goes to the SMSC, in one statement: a message whose campaign is
 * canceled, or whose recipient has opted out (when `reasons.optedOut` is given), becomes `suppressed`
 * with that reason. Returns why the message must not be sent (suppressed here, or already: a cancel
 * that committed since the claim), or null to send it.
 */
export async function suppressIfStopped(db: Queryable, messageId: string, reasons: StopReasons, now: Date): Promise<string | null> {
  const { rows } = await db.query<{ state: MessageState; last_error: string | null; stop: string | null }>(
    `WITH m AS (
       SELECT m.message_id, m.state, m.last_error,
              CASE WHEN c.state = 'canceled' THEN $3
                   WHEN $4::text IS NOT NULL AND o.opted_out THEN $4::text END AS stop
         FROM sms_messages m
         LEFT JOIN campaigns c ON c.campaign_id = m.campaign_id
         LEFT JOIN opt_outs o ON o.msisdn = m.recipient
        WHERE m.message_id = $1
     ), stopped AS (
       UPDATE sms_messages s SET state = 'suppressed', lease_until = NULL, last_error = m.stop, done_at = $2
         FROM m WHERE s.message_id = m.message_id AND m.stop IS NOT NULL AND s.state = 'queued'
       RETURNING s.message_id
     )
     SELECT state, last_error, stop FROM m`,
    [messageId, now.toISOString(), reasons.campaignCanceled, reasons.optedOut],
  );
  const row = rows[0];
  if (row === undefined) return null;
  if (row.state === 'suppressed') return row.last_error ?? 'suppressed';
  // Past queued (another dispatcher finished it after this one's lease ran out): as before, a resubmit
  // is answered from the SMSC's deduplication and the record stays as it is.
  return row.state === 'queued' ? row.stop : null;
}

/**
 * A receipt can arrive while the transaction recording its part is still open (the SMSC answers the
 * submit, then sends the receipt at once): under READ COMMITTED each would miss the other's row and
 * the receipt would never be applied. Both sides take this lock per SMSC id first, so whichever runs
 * second sees what the first committed. Ids are locked in sorted order, so two never deadlock.
 */
export async function lockSmscIds(client: PoolClient, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await client.query('SELECT pg_advisory_xact_lock(hashtextextended(id, 0)) FROM unnest($1::text[]) AS id', [[...ids].sort()]);
}

/** Keeps the parts accepted so far when a send is interrupted, so the next attempt resumes after them. */
export async function recordAcceptedParts(db: Queryable, messageId: string, parts: readonly AcceptedPart[], now: Date): Promise<void> {
  await insertParts(db, parts.map((p) => ({ messageId, ...p })), now);
}

/** Records submitted parts of any number of messages; a part recorded before is left as it is. */
export async function insertParts(db: Queryable, parts: readonly (AcceptedPart & { messageId: string })[], now: Date): Promise<void> {
  if (parts.length === 0) return;
  await db.query(
    `INSERT INTO sms_parts (message_id, seq, smsc_message_id, state, submitted_at)
     SELECT message_id, seq, smsc_id, 'submitted', $4 FROM unnest($1::uuid[], $2::int[], $3::text[]) AS p(message_id, seq, smsc_id)
     ON CONFLICT DO NOTHING`,
    [parts.map((p) => p.messageId), parts.map((p) => p.seq), parts.map((p) => p.smscMessageId), now.toISOString()],
  );
}

export type SubmittedMessage = { messageId: string; encoding: SmsEncoding; segments: number };

/**
 * queued → submitted, with what was sent, for each message that is queued or suppressed; returns the
 * ids it moved (a message already past both is left as it is). A suppressed message is taken too: it
 * was suppressed (a cancel, say) after the sender's last look and while its parts were already on
 * their way, and the record must say what the SMSC received.
 */
export async function markMessagesSubmitted(db: Queryable, sent: readonly SubmittedMessage[], now: Date): Promise<string[]> {
  if (sent.length === 0) return [];
  const { rows } = await db.query<{ message_id: string }>(
    `UPDATE sms_messages m SET state = 'submitted', submitted_at = $4, encoding = s.encoding, segments = s.segments, lease_until = NULL, last_error = NULL, done_at = NULL
       FROM unnest($1::uuid[], $2::text[], $3::int[]) AS s(message_id, encoding, segments)
      WHERE m.message_id = s.message_id AND m.state IN ('queued', 'suppressed')
     RETURNING m.message_id`,
    [sent.map((s) => s.messageId), sent.map((s) => s.encoding), sent.map((s) => s.segments), now.toISOString()],
  );
  return rows.map((r) => r.message_id);
}

/** queued → failed; false when the message was no longer queued. */
export async function markMessageFailed(db: Queryable, messageId: string, reason: string, now: Date): Promise<boolean> {
  const updated = await db.query(
    `UPDATE sms_messages SET state = 'failed', lease_until = NULL, last_error = $2, done_at = $3 WHERE message_id = $1 AND state = 'queued'`,
    [messageId, reason, now.toISOString()],
  );
  return updated.rowCount === 1;
}

export type Receipt = { smscMessageId: string; state: ReceiptState; errorCode: string | null; doneAt: Date | null };

/** Stores delivery receipts; returns the SMSC ids stored now (not those stored before: the SMSC resends receipts). */
export async function insertReceipts(db: Queryable, receipts: readonly Receipt[], now: Date): Promise<Set<string>> {
  if (receipts.length === 0) return new Set();
  const { rows } = await db.query<{ smsc_message_id: string }>(
    `INSERT INTO delivery_receipts (smsc_message_id, state, error_code, done_at, received_at)
     SELECT id, state, error_code, done_at, $5 FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[]) AS r(id, state, error_code, done_at)
     ON CONFLICT DO NOTHING
     RETURNING smsc_message_id`,
    [receipts.map((r) => r.smscMessageId), receipts.map((r) => r.state), receipts.map((r) => r.errorCode), receipts.map((r) => r.doneAt?.toISOString() ?? null), now.toISOString()],
  );
  return new Set(rows.map((r) => r.smsc_message_id));
}

/** The messages that recorded parts with these SMSC ids belong to. */
export async function messageIdsOfParts(db: Queryable, smscMessageIds: readonly string[]): Promise<string[]> {
  if (smscMessageIds.length === 0) return [];
  const { rows } = await db.query<{ message_id: string }>('SELECT DISTINCT message_id FROM sms_parts WHERE smsc_message_id = ANY($1::text[])', [smscMessageIds]);
  return rows.map((r) => r.message_id);
}

export type LockedMessage = MessageRef & { state: MessageState; segments: number | null };

type LockedRow = RefRow & { state: MessageState; segments: number | null };

/** The messages, locked for the caller's transaction in id order (so two such locks never deadlock). */
export async function lockMessages(client: PoolClient, messageIds: readonly string[]): Promise<LockedMessage[]> {
  if (messageIds.length === 0) return [];
  const { rows } = await client.query<LockedRow>(
    `SELECT ${refColumns}, state, segments FROM sms_messages WHERE message_id = ANY($1::uuid[]) ORDER BY message_id FOR UPDATE`,
    [messageIds],
  );
  return rows.map((row) => ({ ...refOf(row), state: row.state, segments: row.segments }));
}

/** Copies the stored receipts of the messages' parts that are still `submitted` onto those parts. */
export async function applyStoredReceipts(db: Queryable, messageIds: readonly string[]): Promise<void> {
  if (messageIds.length === 0) return;
  await db.query(
    `UPDATE sms_parts p SET state = r.state, error_code = r.error_code, done_at = COALESCE(r.done_at, r.received_at)
       FROM delivery_receipts r
      WHERE p.message_id = ANY($1::uuid[]) AND p.smsc_message_id = r.smsc_message_id AND p.state = 'submitted'`,
    [messageIds],
  );
}

/** The messages' recorded parts, each message's in order. */
export async function partsOfMessages(db: Queryable, messageIds: readonly string[]): Promise<Map<string, PartState[]>> {
  const parts = new Map<string, PartState[]>(messageIds.map((id) => [id, []]));
  if (messageIds.length === 0) return parts;
  const { rows } = await db.query<{ message_id: string; smsc_message_id: string; state: string; error_code: string | null; done_at: Date | null }>(
    'SELECT message_id, smsc_message_id, state, error_code, done_at FROM sms_parts WHERE message_id = ANY($1::uuid[]) ORDER BY message_id, seq',
    [messageIds],
  );
  for (const p of rows) parts.get(p.message_id)?.push({ smscMessageId: p.smsc_message_id, state: p.state, errorCode: p.error_code, doneAt: p.done_at });
  return parts;
}

export type MessageDone =
  | { messageId: string; state: 'delivered'; at: Date; lastError?: undefined }
  | { messageId: string; state: 'failed' | 'expired'; at: Date; lastError: string };

/** Submitted messages decided by their receipts: delivered (the last part at `at`), or failed/expired. */
export async function markMessagesDone(db: Queryable, done: readonly MessageDone[]): Promise<void> {
  if (done.length === 0) return;
  await db.query(
    `UPDATE sms_messages m SET state = d.state, done_at = d.done_at, last_error = COALESCE(d.last_error, m.last_error)
       FROM unnest($1::uuid[], $2::text[], $3::timestamptz[], $4::text[]) AS d(message_id, state, done_at, last_error)
      WHERE m.message_id = d.message_id`,
    [done.map((d) => d.messageId), done.map((d) => d.state), done.map((d) => d.at.toISOString()), done.map((d) => d.lastError ?? null)],
  );
}

export type MessageView = MessageRef & {
  state: MessageState;
  body: string;
  urgent: boolean;
  notBefore: string;
  attempts: number;
  lastError: string | null;
  encoding: SmsEncoding | null;
  createdAt: string;
  submittedAt: string | null;
  doneAt: string | null;
  parts: { seq: number; smscMessageId: string; state: string; errorCode: string | null; doneAt: string | null }[];
};

type ViewRow = RefRow & {
  state: MessageState;
  body: string;
  urgent: boolean;
  not_before: Date;
  attempts: number;
  last_error: string | null;
  encoding: SmsEncoding | null;
  created_at: Date;
  submitted_at: Date | null;
  done_at: Date | null;
  parts: { seq: number; smscMessageId: string; state: string; errorCode: string | null; doneAt: string | null }[] | null;
};

/** One subscriber's messages, newest first, with their parts: the operators' view. */
export async function messagesTo(db: Queryable, recipient: string, limit: number): Promise<MessageView[]> {
  const { rows } = await db.query<ViewRow>(
    `SELECT ${refColumns}, state, body, urgent, not_before, attempts, last_error, encoding, created_at, submitted_at, done_at,
            (SELECT json_agg(json_build_object('seq', p.seq, 'smscMessageId', p.smsc_message_id, 'state', p.state, 'errorCode', p.error_code, 'doneAt', p.done_at) ORDER BY p.seq)
               FROM sms_parts p WHERE p.message_id = m.message_id) AS parts
       FROM sms_messages m WHERE recipient = $1 ORDER BY created_at DESC, message_id DESC LIMIT $2`,
    [recipient, limit],
  );
  return rows.map((r) => ({
    ...refOf(r),
    state: r.state,
    body: r.body,
    urgent: r.urgent,
    notBefore: r.not_before.toISOString(),
    attempts: r.attempts,
    lastError: r.last_error,
    encoding: r.encoding,
    createdAt: r.created_at.toISOString(),
    submittedAt: r.submitted_at?.toISOString() ?? null,
    doneAt: r.done_at?.toISOString() ?? null,
    parts: r.parts ?? [],
  }));
}
