// Operators' campaigns: one text per language, a segment of the bill contacts, a start time. A
// campaign's recipients become sms_messages rows in batches (queueNextBatch), each batch in the
// caller's transaction together with the cursor it advances, so a crash between batches resumes at
// the cursor and a batch is never queued twice; the dedupe key (campaign, msisdn) makes even a
// replayed batch insert nothing. Sending is the dispatcher's: it picks up queued rows from not_before.
//
//   scheduled → starting (batches being queued) → sending (all queued) → completed (none left queued)
//   scheduled | starting | sending → canceled (queued messages become suppressed)
import type { Queryable } from '@gateway/kit';
import type { PoolClient } from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { campaignSegmentSchema } from '../domain/campaign.ts';
import type { CampaignSegment, CampaignState } from '../domain/campaign.ts';

export const messageStates = ['queued', 'submitted', 'delivered', 'failed', 'expired', 'suppressed'] as const;
export type MessageState = (typeof messageStates)[number];

// Bills that still ask for money; the statuses billing's bill.* events carry.
const unpaidStatuses = ['open', 'partially_paid', 'overdue'];

export type CampaignProgress = {
  campaignId: string;
  name: string;
  state: CampaignState;
  startAt: string;
  createdBy: string;
  createdAt: string;
  startedAt: string | null;
  completedAt: string | null;
  canceledAt: string | null;
  /** Messages queued for the campaign so far (opted-out numbers are not counted: they get none). */
  recipients: number;
  counts: Record<MessageState, number>;
};

export type NewCampaign = {
  name: string;
  text: { ar: string; en: string | null };
  segment: CampaignSegment;
  startAt: Date;
  createdBy: string;
  now: Date;
};

/** Where a page of the campaign list ends. createdAt is written by createCampaign from a Date, so milliseconds are exact. */
export type CampaignPosition = { createdAt: string; campaignId: string };

export type CampaignPage = { campaigns: CampaignProgress[]; next: CampaignPosition | null };

export type CancelOutcome =
  | { kind: 'canceled'; from: CampaignState; suppressed: number }
  | { kind: 'already_canceled' }
  | { kind: 'completed' }
  | { kind: 'not_found' };

export type BatchOutcome = {
  /** sms_messages rows inserted by this batch. */
  queued: number;
  /** Recipients of this batch skipped because they opted out. */
  optedOut: number;
  /** No recipient is left to queue (or the campaign is no longer queueing: canceled meanwhile). */
  done: boolean;
  state: CampaignState;
};


type CampaignRow = {
  campaign_id: string;
  name: string;
  state: CampaignState;
  start_at: Date;
  created_by: string;
  created_at: Date;
  started_at: Date | null;
  completed_at: Date | null;
  canceled_at: Date | null;
  recipients: number;
};

const campaignColumns = 'campaign_id, name, state, start_at, created_by, created_at, started_at, completed_at, canceled_at, recipients';

function zeroCounts(): Record<MessageState, number> {
  return { queued: 0, submitted: 0, delivered: 0, failed: 0, expired: 0, suppressed: 0 };
}

function progressOf(row: CampaignRow, counts: Record<MessageState, number> = zeroCounts()): CampaignProgress {
  return {
    campaignId: row.campaign_id,
    name: row.name,
    state: row.state,
    startAt: row.start_at.toISOString(),
    createdBy: row.created_by,
    createdAt: row.created_at.toISOString(),
    startedAt: row.started_at?.toISOString() ?? null,
    completedAt: row.completed_at?.toISOString() ?? null,
    canceledAt: row.canceled_at?.toISOString() ?? null,
    recipients: row.recipients,
    counts,
  };
}

async function countsOf(db: Queryable, campaignIds: readonly string[]): Promise<Map<string, Record<MessageState, number>>> {
  const counts = new Map<string, Record<MessageState, number>>(campaignIds.map((id) => [id, zeroCounts()]));
  if (campaignIds.length === 0) return counts;
  const { rows } = await db.query<{ campaign_id: string; state: MessageState; n: number }>(
    'SELECT campaign_id, state, count(*)::int AS n FROM sms_messages WHERE campaign_id = ANY($1::uuid[]) GROUP BY campaign_id, state',
    [campaignIds],
  );
  for (const row of rows) {
    const of = counts.get(row.campaign_id);
    if (of !== undefined) of[row.state] = row.n;
  }
  return counts;
}

/** Stores a new campaign, `scheduled`; the runner starts it once startAt has come. */
export async function createCampaign(client: PoolClient, input: NewCampaign): Promise<CampaignProgress> {
  const { rows } = await client.query<CampaignRow>(
    `INSERT INTO campaigns (campaign_id, name, text_ar, text_en, segment, start_at, state, created_by, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, 'scheduled', $7, $8)
     RETURNING ${campaignColumns}`,
    [uuidv7(), input.name, input.text.ar, input.text.en, JSON.stringify(input.segment), input.startAt, input.createdBy, input.now],
  );
  return progressOf(rows[0]!);
}

export async function getCampaignProgress(db: Queryable, campaignId: string): Promise<CampaignProgress | null> {
  const { rows } = await db.query<CampaignRow>(`SELECT ${campaignColumns} FROM campaigns WHERE campaign_id = $1`, [campaignId]);
  const row = rows[0];
  if (row === undefined) return null;
  return progressOf(row, (await countsOf(db, [campaignId])).get(campaignId));
}

/** Newest first, a page at a time (keyset on created_at, campaign_id). */
export async function listCampaigns(db: Queryable, page: { limit: number; after?: CampaignPosition | undefined }): Promise<CampaignPage> {
  const after = page.after;
  // One more than asked tells whether there is a next page without counting the table.
  const { rows } = await db.query<CampaignRow>(
    `SELECT ${campaignColumns} FROM campaigns
     WHERE $1::timestamptz IS NULL OR (created_at, campaign_id) < ($1::timestamptz, $2::uuid)
     ORDER BY created_at DESC, campaign_id DESC
     LIMIT $3`,
    [after?.createdAt ?? null, after?.campaignId ?? null, page.limit + 1],
  );
  const shown = rows.slice(0, page.limit);
  const counts = await countsOf(
    db,
    shown.map((r) => r.campaign_id),
  );
  const campaigns = shown.map((r) => progressOf(r, counts.get(r.campaign_id)));
  const last = campaigns.at(-1);
  return { campaigns, next: rows.length > page.limit && last !== undefined ? { createdAt: last.createdAt, campaignId: last.campaignId } : null };
}

/**
 * Cancels a campaign that has not finished. The campaign row is locked first, so a batch being
 * queued right now commits before this reads the queued messages (and is suppressed with them), and
 * the runner, which locks the same row, sees `canceled` and queues nothing more. A campaign that is
 * `sending` with nothing left queued has in fact finished: it is marked completed and not canceled,
 * since canceling it would stop nothing and misstate what the subscribers received.
 */
export async function cancelCampaign(client: PoolClient, campaignId: string, now: Date): Promise<CancelOutcome> {
  const { rows } = await client.query<{ state: CampaignState }>('SELECT state FROM campaigns WHERE campaign_id = $1 FOR UPDATE', [campaignId]);
  const state = rows[0]?.state;
  if (state === undefined) return { kind: 'not_found' };
  if (state === 'canceled') return { kind: 'already_canceled' };
  if (state === 'completed') return { kind: 'completed' };
  if (state === 'sending' && !(await hasQueued(client, campaignId))) {
    await client.query("UPDATE campaigns SET state = 'completed', completed_at = $2 WHERE campaign_id = $1", [campaignId, now]);
    return { kind: 'completed' };
  }
  await client.query("UPDATE campaigns SET state = 'canceled', canceled_at = $2 WHERE campaign_id = $1", [campaignId, now]);
  // A message a dispatcher holds (lease) is suppressed too. The dispatcher looks again, once, right
  // before a message's first part goes to the SMSC (flows/send-sms.flow.ts, suppressIfStopped), and
  // sends nothing of a message found suppressed or of a canceled campaign; a message that got past
  // that look before this commit is sent whole and recorded as submitted (markMessagesSubmitted takes a
  // suppressed one), so the records say what the SMSC received.
  const suppressed = await client.query(
    `UPDATE sms_messages SET state = 'suppressed', last_error = 'campaign canceled', lease_until = NULL, done_at = $2
     WHERE campaign_id = $1 AND state = 'queued'`,
    [campaignId, now],
  );
  return { kind: 'canceled', from: state, suppressed: suppressed.rowCount ?? 0 };
}

async function hasQueued(db: Queryable, campaignId: string): Promise<boolean> {
  const { rows } = await db.query("SELECT 1 FROM sms_messages WHERE campaign_id = $1 AND state = 'queued' LIMIT 1", [campaignId]);
  return rows.length > 0;
}

/**
 * One campaign due to queue recipients, locked for the caller's transaction. SKIP LOCKED: a campaign
 * another replica is queueing a batch of is passed over, so two replicas never queue the same batch.
 */
export async function claimDueCampaign(client: PoolClient, now: Date): Promise<string | null> {
  const { rows } = await client.query<{ campaign_id: string }>(
    `SELECT campaign_id FROM campaigns
     WHERE state IN ('scheduled', 'starting') AND start_at <= $1
     ORDER BY start_at, campaign_id
     LIMIT 1
     FOR UPDATE SKIP LOCKED`,
    [now],
  );
  return rows[0]?.campaign_id ?? null;
}

// Whom a segment selects, as one SQL condition over bill_contacts ($2 governorates lower-cased, $3
// holder classes, $4 unpaid only, $5 the unpaid statuses, $6 account numbers: segmentParams). The
// campaign's batches and the operator's preview both use it, so the preview counts exactly whom the
// campaign would queue.
const segmentFilter = `
      ($2::text[] IS NULL OR lower(governorate) = ANY($2::text[]))
      AND ($3::text[] IS NULL OR holder_class = ANY($3::text[]))
      AND (NOT $4::boolean OR (status = ANY($5::text[]) AND amount_due > 0))
      AND ($6::text[] IS NULL OR account_no = ANY($6::text[]))`;

// The segment's recipients after a cursor ($1, an msisdn, null from the start), at most $7 of them
// (null: all): `candidates` one per mobile, `eligible` those not opted out.
const segmentRecipients = `
  candidates AS (
    -- One recipient per mobile: the holder's most recently updated matching bill gives the locale
    -- and the account named in the message's record.
    SELECT DISTINCT ON (msisdn) msisdn, account_no, locale
    FROM bill_contacts
    WHERE msisdn IS NOT NULL
      AND ($1::text IS NULL OR msisdn > $1::text)
      AND ${segmentFilter}
    ORDER BY msisdn, updated_at DESC, account_no
    LIMIT $7
  ),
  eligible AS (
    SELECT c.msisdn, c.account_no, c.locale, row_number() OVER (ORDER BY c.msisdn) AS n
    FROM candidates c
    WHERE NOT EXISTS (SELECT 1 FROM opt_outs o WHERE o.msisdn = c.msisdn AND o.opted_out)
  )`;

function segmentParams(segment: CampaignSegment, cursor: string | null, limit: number | null): unknown[] {
  return [
    cursor,
    segment.governorates?.map((g) => g.toLowerCase()) ?? null,
    segment.holderClasses ?? null,
    segment.unpaidOnly === true,
    unpaidStatuses,
    segment.accountNos ?? null,
    limit,
  ];
}

const segmentQuery = `
  WITH ${segmentRecipients},
  worded AS (
    -- English only to English-speaking holders, and only when the campaign has an English text.
    SELECT e.*, (e.locale = 'en' AND $10::text IS NOT NULL) AS english FROM eligible e
  ),
  inserted AS (
    INSERT INTO sms_messages (message_id, dedupe_key, recipient, template, locale, account_no, campaign_id, body, urgent, state, not_before)
    SELECT ($8::uuid[])[w.n], 'campaign:' || $9::uuid::text || ':' || w.msisdn, w.msisdn, 'campaign',
           CASE WHEN w.english THEN 'en' ELSE 'ar' END, w.account_no, $9::uuid,
           CASE WHEN w.english THEN $10::text ELSE $11::text END, false, 'queued', $12::timestamptz
    FROM worded w
    ON CONFLICT (dedupe_key) DO NOTHING
    RETURNING 1
  )
  SELECT (SELECT count(*)::int FROM candidates) AS candidates,
         (SELECT count(*)::int FROM eligible) AS eligible,
         (SELECT max(msisdn) FROM candidates) AS last_msisdn,
         (SELECT count(*)::int FROM inserted) AS queued`;

/**
 * Queues the next `batchSize` recipients of a campaign (msisdn order, after its cursor) and advances
 * the cursor, in the caller's transaction: commit both or neither. The cursor moves past opted-out
 * numbers too, so a batch of nothing but opt-outs is not mistaken for the end. When fewer than
 * `batchSize` recipients were left, the campaign is `sending`.
 */
export async function queueNextBatch(client: PoolClient, campaignId: string, batchSize: number, now: Date): Promise<BatchOutcome> {
  const { rows } = await client.query<{
    state: CampaignState;
    text_ar: string;
    text_en: string | null;
    segment: unknown;
    start_at: Date;
    cursor_msisdn: string | null;
  }>('SELECT state, text_ar, text_en, segment, start_at, cursor_msisdn FROM campaigns WHERE campaign_id = $1 FOR UPDATE', [campaignId]);
  const campaign = rows[0];
  if (campaign === undefined) throw new Error(`campaign ${campaignId} does not exist`);
  if (campaign.state !== 'scheduled' && campaign.state !== 'starting') return { queued: 0, optedOut: 0, done: true, state: campaign.state };
  // Written by createCampaign from this same schema; parsing again keeps a hand-edited row from
  // widening the audience through a filter this code would not understand.
  const segment = campaignSegmentSchema.parse(campaign.segment);
  const messageIds = Array.from({ length: batchSize }, () => uuidv7());
  const { rows: result } = await client.query<{ candidates: number; eligible: number; last_msisdn: string | null; queued: number }>(segmentQuery, [
    ...segmentParams(segment, campaign.cursor_msisdn, batchSize),
    messageIds,
    campaignId,
    campaign.text_en,
    campaign.text_ar,
    campaign.start_at,
  ]);
  const batch = result[0]!;
  const done = batch.candidates < batchSize;
  const state: CampaignState = done ? 'sending' : 'starting';
  await client.query(
    `UPDATE campaigns SET cursor_msisdn = COALESCE($2, cursor_msisdn), recipients = recipients + $3, state = $4, started_at = COALESCE(started_at, $5)
     WHERE campaign_id = $1`,
    [campaignId, batch.last_msisdn, batch.queued, state, now],
  );
  return { queued: batch.queued, optedOut: batch.candidates - batch.eligible, done, state };
}

/** Whom a segment reaches now: what a campaign created with it would queue, and whom it would not. */
export type SegmentReach = {
  /** Mobiles that would get the message (one per mobile, opted-out numbers left out). */
  recipients: number;
  /** Mobiles of the segment that opted out and would get nothing. */
  optedOut: number;
  /** Accounts of the segment whose matching bills give no mobile at all. */
  withoutMobile: number;
};

/**
 * Counts a segment's reach with the very selection queueNextBatch queues by (segmentRecipients, from
 * the start, without a batch limit), so the preview and the campaign cannot disagree on the same data.
 */
export async function previewSegment(db: Queryable, segment: CampaignSegment): Promise<SegmentReach> {
  const { rows } = await db.query<{ candidates: number; eligible: number; without_mobile: number }>(
    `WITH ${segmentRecipients},
     accounts AS (
       SELECT account_no FROM bill_contacts WHERE ${segmentFilter}
       GROUP BY account_no HAVING bool_and(msisdn IS NULL)
     )
     SELECT (SELECT count(*)::int FROM candidates) AS candidates,
            (SELECT count(*)::int FROM eligible) AS eligible,
            (SELECT count(*)::int FROM accounts) AS without_mobile`,
    segmentParams(segment, null, null),
  );
  const row = rows[0]!;
  return { recipients: row.eligible, optedOut: row.candidates - row.eligible, withoutMobile: row.without_mobile };
}

/**
 * Marks `completed` every campaign that is `sending` and has no message left queued (every one
 * submitted, delivered, failed, expired or suppressed). Returns their ids.
 */
export async function completeFinishedCampaigns(db: Queryable, now: Date): Promise<string[]> {
  const { rows } = await db.query<{ campaign_id: string }>(
    `UPDATE campaigns c SET state = 'completed', completed_at = $1
     WHERE c.state = 'sending'
       AND NOT EXISTS (SELECT 1 FROM sms_messages m WHERE m.campaign_id = c.campaign_id AND m.state = 'queued')
     RETURNING c.campaign_id`,
    [now],
  );
  return rows.map((r) => r.campaign_id);
}
