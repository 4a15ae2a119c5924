// One claim–publish–mark cycle: claim a batch in a transaction, send it in one request, mark it
// published in one statement; on a failure that looks like a poison row, hand the batch to
// poison-row isolation.
import type { Kafka } from 'kafkajs';
import type { Pool, QueryResult } from 'pg';
import type { Logger } from 'pino';
import { blockedByParked, errorText, eventTypeOf } from './outbox-row.ts';
import type { OutboxRow } from './outbox-row.ts';
import { brokerTopics, isolate, kafkaRejection, saveIsolation } from './poison-rows.ts';
import type { RelayMetrics } from './relay-metrics.ts';
import type { RelayProducer } from './relay-producer.ts';

/**
 * Claims up to $1 unpublished rows, oldest first, skipping rows another relay holds. A claimed row is
 * returned only if no earlier unpublished event of the same topic and key is held elsewhere: with two
 * relays, B must not publish an aggregate's event 2 while A is still sending its event 1. Rows held
 * back this way stay unpublished and are picked up on a later round.
 *
 * Parked rows, and rows blocked behind one, are filtered before the LIMIT, not after: otherwise a
 * batch's worth of blocked rows would fill every claim and stop the relay as surely as the poison row.
 *
 * The earlier-row check is a scalar subquery, one index probe per claimed row, not NOT EXISTS: with a
 * backlog the planner turned NOT EXISTS into a merge anti join that read every unpublished row's
 * index entry (a 1,000-row claim took 59 ms with 100,000 unpublished rows, 12 ms written this way).
 */
const claimSql = (limit: number) => `
  WITH claimed AS (
    SELECT id, topic, key FROM outbox c
    WHERE published_at IS NULL AND parked_at IS NULL AND NOT ${blockedByParked('c')}
    ORDER BY id
    LIMIT ${limit}
    FOR UPDATE SKIP LOCKED
  )
  SELECT o.id, o.event_id, o.topic, o.key, o.payload::text AS payload, o.headers, o.attempts
  FROM outbox o JOIN claimed c ON c.id = o.id
  WHERE (
    SELECT 1 FROM outbox e
    WHERE e.published_at IS NULL AND e.topic = c.topic AND e.key = c.key AND e.id < c.id
      AND e.id NOT IN (SELECT id FROM claimed)
    LIMIT 1
  ) IS NULL
  ORDER BY o.id`;

export interface PublishContext {
  pool: Pool;
  kafka: Kafka;
  producer: RelayProducer;
  log: Logger;
  metrics: RelayMetrics;
  batchSize: number;
  /** The most bytes (values, keys and headers) one send carries; at least one row is always sent. */
  maxBatchBytes: number;
  isolateAfter: number;
}

export interface PublishResult {
  /** Rows claimed and sent (published, parked or failed). */
  claimed: number;
  /** Rows may be waiting already: the claim came back full, or was cut to maxBatchBytes. */
  more: boolean;
}

function rowBytes(row: OutboxRow): number {
  return Buffer.byteLength(row.payload) + Buffer.byteLength(row.key) + Buffer.byteLength(JSON.stringify(row.headers));
}

/**
 * The longest prefix of `rows` within `maxBytes` (at least one row). Kafka takes a partition's part
 * of a request as one record batch, refused whole (MESSAGE_TOO_LARGE) above the broker's
 * message.max.bytes, 1 MB by default; a thousand bill.issued events can be more. A prefix in id
 * order keeps per-key order: the rows cut off stay unpublished and come first in the next claim.
 */
function withinBytes(rows: OutboxRow[], maxBytes: number): OutboxRow[] {
  let bytes = 0;
  for (let i = 0; i < rows.length; i++) {
    bytes += rowBytes(rows[i] as OutboxRow);
    if (bytes > maxBytes && i > 0) return rows.slice(0, i);
  }
  return rows;
}

async function recordFailure(ctx: PublishContext, ids: number[], err: unknown): Promise<void> {
  try {
    await ctx.pool.query(
      // SKIP LOCKED: another relay may hold these rows by now; waiting on it would stall this loop
      // for as long as its own send to a dead broker takes, just to write a diagnostic.
      `UPDATE outbox SET attempts = attempts + 1, last_error = $2
       WHERE id IN (SELECT id FROM outbox WHERE id = ANY($1::bigint[]) AND published_at IS NULL FOR UPDATE SKIP LOCKED)`,
      [ids, errorText(err).slice(0, 2_000)],
    );
  } catch (recordErr) {
    ctx.log.warn({ err: recordErr }, 'could not record outbox failure');
  }
}

/**
 * Resolves with the rows claimed and whether more may wait; rejects when the batch (or the isolation
 * pass) failed for a reason that is the broker's, after recording it on the rows, so the caller
 * backs off.
 */
export async function publishOnce(ctx: PublishContext): Promise<PublishResult> {
  const { pool, producer, log, metrics, isolateAfter } = ctx;
  const client = await pool.connect();
  let rows: OutboxRow[] = [];
  let inTransaction = false;
  // Set once the failure is dealt with (isolated and committed): nothing left to roll back or record.
  let handled = false;
  let releaseErr: Error | undefined;
  try {
    inTransaction = true;
    // One round trip (statements without parameters can go together): every round trip is latency
    // added to every event, and on a loaded machine each costs milliseconds. The rows stay locked
    // while Kafka is being written to; that wait is not an idle leak.
    const results = (await client.query(
      `BEGIN; SET LOCAL idle_in_transaction_session_timeout = '5min'; ${claimSql(ctx.batchSize)}`,
    )) as unknown as QueryResult<OutboxRow>[];
    const claimed = results.at(-1)?.rows ?? [];
    if (claimed.length === 0) {
      await client.query('COMMIT');
      inTransaction = false;
      return { claimed: 0, more: false };
    }
    // The rows cut off are released unpublished at COMMIT.
    rows = withinBytes(claimed, ctx.maxBatchBytes);
    const more = claimed.length === ctx.batchSize || rows.length < claimed.length;
    let sendErr: unknown;
    let sendFailed = false;
    try {
      await producer.send(rows);
    } catch (err) {
      sendErr = err;
      sendFailed = true;
    }
    if (!sendFailed) {
      // The marking and the commit in one round trip, so the ids are written in (integers read from
      // this table, never input).
      await client.query(
        `UPDATE outbox SET published_at = now(), attempts = attempts + 1, last_error = NULL WHERE id = ANY('{${rows.map((r) => r.id).join(',')}}'::bigint[]); COMMIT`,
      );
      inTransaction = false;
      metrics.published.inc(rows.length);
      return { claimed: rows.length, more };
    }

    // A failed batch is retried whole with backoff (the broker is down: wait, lose nothing) unless
    // Kafka refused something in it for good, or it keeps failing although the broker answers:
    // then one poison row would hold up every row behind it, so find it.
    const rejection = kafkaRejection(sendErr);
    const mostAttempts = Math.max(...rows.map((r) => r.attempts)) + 1;
    if (!rejection && mostAttempts < isolateAfter) throw sendErr;
    await producer.discard();
    const topics = await brokerTopics(ctx.kafka, log);
    if (!topics) throw sendErr;
    log.warn({ err: sendErr, rows: rows.length, rejection, attempts: mostAttempts }, 'outbox batch refused; publishing its rows one by one');
    const result = await isolate(rows, topics, producer, isolateAfter);
    await saveIsolation(client, result);
    await client.query('COMMIT');
    inTransaction = false;
    handled = true;
    metrics.failures.inc();
    metrics.published.inc(result.published.length);
    metrics.parkedTotal.inc(result.parked.length);
    for (const { row, reason } of result.parked) {
      log.error(
        { eventId: row.event_id, type: eventTypeOf(row), topic: row.topic, key: row.key, attempts: row.attempts + 1, reason },
        `outbox row parked: Kafka will not accept it; later events of key ${row.key} wait until it is replayed`,
      );
    }
    if (result.stoppedBy !== undefined) throw result.stoppedBy;
    return { claimed: rows.length, more };
  } catch (err) {
    if (handled) throw err;
    if (inTransaction) {
      await client.query('ROLLBACK').catch((rollbackErr: unknown) => {
        releaseErr = rollbackErr instanceof Error ? rollbackErr : new Error(String(rollbackErr));
      });
    }
    metrics.failures.inc();
    if (rows.length > 0) {
      await producer.discard();
      await recordFailure(
        ctx,
        rows.map((r) => r.id),
        err,
      );
    }
    throw err;
  } finally {
    client.release(releaseErr);
  }
}
