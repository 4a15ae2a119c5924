import type { Kafka, Message, Producer, RetryOptions } from 'kafkajs';
import type { Pool, PoolClient } from 'pg';
import type { Logger } from 'pino';
import { Counter, Gauge } from 'prom-client';
import type { Registry } from 'prom-client';
import { createProducer } from '../kafka/producer.ts';
import { outboxChannel } from './enqueue.ts';

export interface OutboxRelayOptions {
  pool: Pool;
  /**
   * The relay builds and owns its producer: after a failed send it must replace it (see
   * createProducer), which it cannot do with a producer it was handed.
   */
  kafka: Kafka;
  logger: Logger;
  batchSize?: number;
  /** Upper bound on publish latency when no NOTIFY arrives (or LISTEN is off). */
  pollIntervalMs?: number;
  backoff?: { initialMs?: number; maxMs?: number };
  /** LISTEN for enqueue notifications to publish immediately; polling stays correct without it. */
  listen?: boolean;
  registry?: Registry;
  /**
   * After a row has failed this many times (default 5) while the broker answers, its batch is
   * published row by row to find the row(s) Kafka keeps refusing. A rejection Kafka itself calls
   * final (message too large, invalid topic, …) does this at once.
   */
  isolateAfterFailures?: number;
  /** How long one send may retry inside kafkajs before the relay sees it fail (see createProducer). */
  producerRetry?: RetryOptions;
}

export interface OutboxRelay {
  /** Starts the background loop. */
  start(): void;
  /** Stops the loop after the batch in flight is published (or failed), then disconnects. */
  stop(): Promise<void>;
  /**
   * Publishes until nothing is pending, for graceful shutdown. Resolves with the number of rows
   * still pending when `timeoutMs` ran out (0 = fully flushed).
   */
  flush(timeoutMs?: number): Promise<number>;
  /** One claim–publish–mark cycle; resolves with the number of rows claimed. */
  publishBatch(): Promise<number>;
  /**
   * Unpublished rows the relay can still publish: parked rows, and rows held back behind a parked
   * row of their key, are not counted (see listParkedOutbox), or flush() would wait for them in vain.
   */
  pendingCount(): Promise<number>;
}

interface OutboxRow {
  id: number;
  event_id: string;
  topic: string;
  key: string;
  payload: unknown;
  headers: Record<string, string>;
  attempts: number;
}

/**
 * The row has an earlier parked row of the same topic and key: it is held back (blocked), because
 * publishing it would put an aggregate's events out of order (payment.reversed before the
 * payment.completed it reverses). Availability for that one aggregate is traded for its order; every
 * other key keeps flowing, and the block lifts when the parked row is replayed and published.
 */
const blockedByParked = (alias: string) => `EXISTS (
      SELECT 1 FROM outbox p
      WHERE p.published_at IS NULL AND p.parked_at IS NOT NULL
        AND p.topic = ${alias}.topic AND p.key = ${alias}.key AND p.id < ${alias}.id
    )`;

/**
 * Claims up to $1 unpublished rows, oldest first, skipping rows another relay holds. A claimed row is
 * returned only if no earlier unpublished event of the same topic and key is held elsewhere: with two
 * relays, B must not publish an aggregate's event 2 while A is still sending its event 1. Rows held
 * back this way stay unpublished and are picked up on a later round.
 *
 * Parked rows, and rows blocked behind one, are filtered before the LIMIT, not after: otherwise a
 * batch's worth of blocked rows would fill every claim and stop the relay as surely as the poison row.
 */
const claimSql = `
  WITH claimed AS (
    SELECT id, topic, key FROM outbox c
    WHERE published_at IS NULL AND parked_at IS NULL AND NOT ${blockedByParked('c')}
    ORDER BY id
    LIMIT $1
    FOR UPDATE SKIP LOCKED
  )
  SELECT o.id, o.event_id, o.topic, o.key, o.payload, o.headers, o.attempts
  FROM outbox o JOIN claimed c ON c.id = o.id
  WHERE NOT EXISTS (
    SELECT 1 FROM outbox e
    WHERE e.published_at IS NULL AND e.topic = c.topic AND e.key = c.key AND e.id < c.id
      AND e.id NOT IN (SELECT id FROM claimed)
  )
  ORDER BY o.id`;

function errorText(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  // kafkajs wraps the broker's answer (KafkaJSNumberOfRetriesExceeded around a protocol error): keep
  // the inner one, it is the reason an operator needs.
  const cause = (err as { cause?: unknown }).cause;
  const inner = cause instanceof Error && cause !== err && cause.message !== err.message ? ` (caused by ${cause.name}: ${cause.message})` : '';
  const type = (err as { type?: unknown }).type;
  return `${err.name}${typeof type === 'string' ? ` ${type}` : ''}: ${err.message}${inner}`;
}

/**
 * Broker answers about the message or its topic that no retry or broker restart can change. Only
 * these park a row at once. Deliberately a short list rather than kafkajs's `retriable: false`: that
 * flag is also false for failures of the whole producer or cluster (authorization of the cluster,
 * unsupported version, a retry budget running out while the broker is down), and parking on those
 * would park every row.
 */
const rejectionTypes = new Set([
  'MESSAGE_TOO_LARGE',
  'RECORD_LIST_TOO_LARGE',
  'INVALID_RECORD',
  'INVALID_TOPIC_EXCEPTION',
  'TOPIC_AUTHORIZATION_FAILED',
]);

/** The broker's final rejection in `err`, looking through kafkajs's wrappers (cause, aggregate errors). */
export function kafkaRejection(err: unknown): string | undefined {
  const seen = new Set<unknown>();
  const visit = (e: unknown): string | undefined => {
    if (typeof e !== 'object' || e === null || seen.has(e)) return undefined;
    seen.add(e);
    const { type, retriable, cause, errors } = e as { type?: unknown; retriable?: unknown; cause?: unknown; errors?: unknown };
    if (typeof type === 'string' && retriable === false && rejectionTypes.has(type)) return type;
    const found = visit(cause);
    if (found) return found;
    if (Array.isArray(errors)) for (const inner of errors) {
      const f = visit(inner);
      if (f) return f;
    }
    return undefined;
  };
  return visit(err);
}

function eventTypeOf(row: OutboxRow): string | undefined {
  const type = (row.payload as { type?: unknown } | null)?.type;
  return typeof type === 'string' ? type : row.headers['event-type'];
}

function metric<T extends Counter | Gauge>(registry: Registry | undefined, name: string, make: (registers: Registry[]) => T): T {
  const existing = registry?.getSingleMetric(name);
  return existing ? (existing as T) : make(registry ? [registry] : []);
}

export function createOutboxRelay(options: OutboxRelayOptions): OutboxRelay {
  const { pool, kafka } = options;
  const log = options.logger.child({ component: 'outbox-relay' });
  const batchSize = options.batchSize ?? 100;
  const pollIntervalMs = options.pollIntervalMs ?? 500;
  const backoffInitial = options.backoff?.initialMs ?? 200;
  const backoffMax = options.backoff?.maxMs ?? 10_000;
  const listen = options.listen ?? true;
  const isolateAfter = Math.max(1, options.isolateAfterFailures ?? 5);

  const published = metric(options.registry, 'outbox_published_total', (registers) =>
    new Counter({ name: 'outbox_published_total', help: 'Outbox rows published to Kafka.', registers }),
  );
  const failures = metric(options.registry, 'outbox_publish_failures_total', (registers) =>
    new Counter({ name: 'outbox_publish_failures_total', help: 'Outbox batches that failed to publish.', registers }),
  );
  const parkedTotal = metric(options.registry, 'outbox_parked_total', (registers) =>
    new Counter({ name: 'outbox_parked_total', help: 'Outbox rows parked because Kafka refuses them.', registers }),
  );
  metric(options.registry, 'outbox_parked', (registers) =>
    new Gauge({
      name: 'outbox_parked',
      help: 'Outbox rows parked (Kafka refuses them) awaiting an operator; alert on anything above 0.',
      registers,
      async collect() {
        this.set(await countParked(pool).catch(() => -1));
      },
    }),
  );
  metric(options.registry, 'outbox_parked_rows', (registers) =>
    new Gauge({
      name: 'outbox_parked_rows',
      help: 'Outbox rows parked, by topic and by why Kafka refused them (e.g. MESSAGE_TOO_LARGE): events that reach nobody until an operator acts.',
      labelNames: ['topic', 'reason'],
      registers,
      async collect() {
        const counts = await countParkedByReason(pool).catch(() => undefined);
        // Reset first: a topic whose parked rows were replayed must drop to nothing, not keep its count.
        this.reset();
        if (counts === undefined) return;
        for (const { topic, reason, n } of counts) this.set({ topic, reason }, n);
      },
    }),
  );
  metric(options.registry, 'outbox_blocked', (registers) =>
    new Gauge({
      name: 'outbox_blocked',
      help: 'Outbox rows held back behind a parked row of the same key, to keep per-key order.',
      registers,
      async collect() {
        this.set(await countBlocked(pool).catch(() => -1));
      },
    }),
  );
  metric(options.registry, 'outbox_pending', (registers) =>
    new Gauge({
      name: 'outbox_pending',
      help: 'Outbox rows not yet published.',
      registers,
      async collect() {
        this.set(await pendingCount().catch(() => -1));
      },
    }),
  );

  let producer: Producer | undefined;
  let producerConnected = false;
  let running = false;
  let stopping = false;
  let loopDone: Promise<void> = Promise.resolve();
  let listener: PoolClient | undefined;
  let releaseListener: () => void = () => undefined;
  const wakers = new Set<() => void>();
  // One batch at a time per relay: the loop and flush() share one producer.
  let batchChain: Promise<unknown> = Promise.resolve();

  function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        wakers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      wakers.add(wake);
    });
  }

  function wakeAll(): void {
    for (const wake of [...wakers]) wake();
  }

  async function connectedProducer(): Promise<Producer> {
    producer ??= createProducer(kafka, { retry: options.producerRetry });
    if (!producerConnected) {
      await producer.connect();
      producerConnected = true;
    }
    return producer;
  }

  async function discardProducer(): Promise<void> {
    // kafkajs rewinds sequence numbers after a failed send; if the broker did write that batch, the
    // next, different batch would reuse them and be acknowledged as a duplicate without being
    // written. A new producer gets a new producer id and no such history.
    const old = producer;
    producer = undefined;
    producerConnected = false;
    await old?.disconnect().catch(() => undefined);
  }

  async function recordFailure(ids: number[], err: unknown): Promise<void> {
    try {
      await pool.query(
        // SKIP LOCKED: another relay may hold these rows by now; waiting on it would stall this loop
        // for as long as its own send to a dead broker takes, just to write a diagnostic.
        `UPDATE outbox SET attempts = attempts + 1, last_error = $2
         WHERE id IN (SELECT id FROM outbox WHERE id = ANY($1::bigint[]) AND published_at IS NULL FOR UPDATE SKIP LOCKED)`,
        [ids, errorText(err).slice(0, 2_000)],
      );
    } catch (recordErr) {
      log.warn({ err: recordErr }, 'could not record outbox failure');
    }
  }

  async function send(rows: OutboxRow[]): Promise<void> {
    const byTopic = new Map<string, Message[]>();
    for (const row of rows) {
      const messages = byTopic.get(row.topic) ?? [];
      messages.push({ key: row.key, value: JSON.stringify(row.payload), headers: row.headers });
      byTopic.set(row.topic, messages);
    }
    const p = await connectedProducer();
    await p.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
  }

  /**
   * The topics a broker lists right now, or undefined if none answers within `timeoutMs`. Parking
   * depends on this answer: no answer, no parking, so an unreachable broker only ever means waiting.
   */
  async function brokerTopics(timeoutMs = 5_000): Promise<Set<string> | undefined> {
    const admin = kafka.admin({ retry: { retries: 0 } });
    let timer: NodeJS.Timeout | undefined;
    const probe = (async () => {
      await admin.connect();
      return new Set(await admin.listTopics());
    })();
    const timeout = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), timeoutMs);
    });
    try {
      return await Promise.race([probe, timeout]);
    } catch (err) {
      log.debug({ err }, 'broker did not list topics');
      return undefined;
    } finally {
      clearTimeout(timer);
      void probe.catch(() => undefined).finally(() => admin.disconnect().catch(() => undefined));
    }
  }

  interface Isolation {
    published: number[];
    parked: { row: OutboxRow; reason: string }[];
    failed: { row: OutboxRow; reason: string }[];
    /** A row failed alone for a reason that is not the row's (broker trouble): the pass stopped there. */
    stoppedBy?: Error;
  }

  /**
   * Publishes a failed batch's rows one at a time, in id order, to find the rows Kafka refuses. A row
   * is parked only on its own final rejection, or when its topic is missing on a broker that answers
   * and it has failed `isolateAfter` times (a topic created a little late is not a poison row). Any
   * other failure stops the pass: it is the broker's, not the row's, and the rest waits as before.
   *
   * A rejected batch may have been written in part (the broker accepts or refuses each partition on
   * its own), so rows sent here may be published twice; consumers dedupe by event id (inbox).
   */
  async function isolate(rows: OutboxRow[], topics: Set<string>): Promise<Isolation> {
    const result: Isolation = { published: [], parked: [], failed: [] };
    // Keys with an earlier row parked or not published in this pass: later rows of the key wait.
    const held = new Set<string>();
    for (const row of rows) {
      const keyOf = `${row.topic}\u0000${row.key}`;
      if (held.has(keyOf)) continue;
      if (result.stoppedBy !== undefined) {
        held.add(keyOf);
        result.failed.push({ row, reason: errorText(result.stoppedBy) });
        continue;
      }
      if (!topics.has(row.topic)) {
        held.add(keyOf);
        const reason = `topic "${row.topic}" does not exist on the broker (auto-creation is off)`;
        (row.attempts + 1 >= isolateAfter ? result.parked : result.failed).push({ row, reason });
        continue;
      }
      try {
        await send([row]);
        result.published.push(row.id);
      } catch (err) {
        await discardProducer();
        held.add(keyOf);
        if (kafkaRejection(err)) result.parked.push({ row, reason: errorText(err) });
        else {
          result.stoppedBy = err instanceof Error ? err : new Error(String(err));
          result.failed.push({ row, reason: errorText(err) });
        }
      }
    }
    return result;
  }

  async function saveIsolation(client: PoolClient, result: Isolation): Promise<void> {
    if (result.published.length > 0) {
      await client.query('UPDATE outbox SET published_at = now(), attempts = attempts + 1, last_error = NULL WHERE id = ANY($1::bigint[])', [result.published]);
    }
    for (const [list, parkedAt] of [[result.parked, 'now()'], [result.failed, 'NULL']] as const) {
      if (list.length === 0) continue;
      await client.query(
        `UPDATE outbox o SET attempts = o.attempts + 1, last_error = v.reason, parked_at = ${parkedAt}
         FROM unnest($1::bigint[], $2::text[]) AS v(id, reason) WHERE o.id = v.id`,
        [list.map((p) => p.row.id), list.map((p) => p.reason.slice(0, 2_000))],
      );
    }
  }

  async function publishOnce(): Promise<number> {
    const client = await pool.connect();
    let rows: OutboxRow[] = [];
    let inTransaction = false;
    // Set once the failure is dealt with (isolated and committed): nothing left to roll back or record.
    let handled = false;
    let releaseErr: Error | undefined;
    try {
      await client.query('BEGIN');
      inTransaction = true;
      // The rows stay locked while Kafka is being written to; that wait is not an idle leak.
      await client.query(`SET LOCAL idle_in_transaction_session_timeout = '5min'`);
      rows = (await client.query<OutboxRow>(claimSql, [batchSize])).rows;
      if (rows.length === 0) {
        await client.query('COMMIT');
        inTransaction = false;
        return 0;
      }
      let sendErr: unknown;
      let sendFailed = false;
      try {
        await send(rows);
      } catch (err) {
        sendErr = err;
        sendFailed = true;
      }
      if (!sendFailed) {
        await client.query(
          'UPDATE outbox SET published_at = now(), attempts = attempts + 1, last_error = NULL WHERE id = ANY($1::bigint[])',
          [rows.map((r) => r.id)],
        );
        await client.query('COMMIT');
        inTransaction = false;
        published.inc(rows.length);
        return rows.length;
      }

      // A failed batch is retried whole with backoff (the broker is down: wait, lose nothing) unless
      // Kafka refused something in it for good, or it keeps failing although the broker answers:
      // then one poison row would hold up every row behind it, so find it.
      const rejection = kafkaRejection(sendErr);
      const mostAttempts = Math.max(...rows.map((r) => r.attempts)) + 1;
      if (!rejection && mostAttempts < isolateAfter) throw sendErr;
      await discardProducer();
      const topics = await brokerTopics();
      if (!topics) throw sendErr;
      log.warn({ err: sendErr, rows: rows.length, rejection, attempts: mostAttempts }, 'outbox batch refused; publishing its rows one by one');
      const result = await isolate(rows, topics);
      await saveIsolation(client, result);
      await client.query('COMMIT');
      inTransaction = false;
      handled = true;
      failures.inc();
      published.inc(result.published.length);
      parkedTotal.inc(result.parked.length);
      for (const { row, reason } of result.parked) {
        log.error(
          { eventId: row.event_id, type: eventTypeOf(row), topic: row.topic, key: row.key, attempts: row.attempts + 1, reason },
          `outbox row parked: Kafka will not accept it; later events of key ${row.key} wait until it is replayed`,
        );
      }
      if (result.stoppedBy !== undefined) throw result.stoppedBy;
      return rows.length;
    } catch (err) {
      if (handled) throw err;
      if (inTransaction) {
        await client.query('ROLLBACK').catch((rollbackErr: unknown) => {
          releaseErr = rollbackErr instanceof Error ? rollbackErr : new Error(String(rollbackErr));
        });
      }
      failures.inc();
      if (rows.length > 0) {
        await discardProducer();
        await recordFailure(
          rows.map((r) => r.id),
          err,
        );
      }
      throw err;
    } finally {
      client.release(releaseErr);
    }
  }

  function publishBatch(): Promise<number> {
    const next = batchChain.then(publishOnce, publishOnce);
    batchChain = next.catch(() => undefined);
    return next;
  }

  async function pendingCount(): Promise<number> {
    const { rows } = await pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM outbox o WHERE published_at IS NULL AND parked_at IS NULL AND NOT ${blockedByParked('o')}`,
    );
    return rows[0]?.n ?? 0;
  }

  async function ensureListener(): Promise<void> {
    if (!listen || listener || stopping) return;
    let client: PoolClient | undefined;
    let released = false;
    const release = (err?: Error) => {
      if (released || !client) return;
      released = true;
      if (listener === client) listener = undefined;
      client.release(err ?? true);
    };
    try {
      client = await pool.connect();
      client.on('notification', wakeAll);
      client.on('error', (err) => {
        log.warn({ err }, 'outbox listener connection lost; polling until it is back');
        release(err);
      });
      await client.query(`LISTEN ${outboxChannel}`);
      if (!released) listener = client;
    } catch (err) {
      log.warn({ err }, 'outbox LISTEN failed; polling only');
      release(err instanceof Error ? err : new Error(String(err)));
    }
    releaseListener = () => release();
  }

  async function loop(): Promise<void> {
    let consecutiveFailures = 0;
    while (!stopping) {
      await ensureListener();
      let claimed: number;
      try {
        claimed = await publishBatch();
        if (consecutiveFailures > 0) log.info({ after: consecutiveFailures }, 'outbox publishing resumed');
        consecutiveFailures = 0;
      } catch (err) {
        consecutiveFailures++;
        const base = Math.min(backoffMax, backoffInitial * 2 ** (consecutiveFailures - 1));
        const delay = Math.round(base / 2 + (Math.random() * base) / 2);
        log.warn({ err, consecutiveFailures, retryInMs: delay }, 'outbox publish failed; backing off');
        await sleep(delay);
        continue;
      }
      if (claimed < batchSize && !stopping) await sleep(pollIntervalMs);
    }
  }

  return {
    start() {
      if (running) return;
      running = true;
      stopping = false;
      loopDone = loop();
    },
    async stop() {
      stopping = true;
      wakeAll();
      await loopDone;
      running = false;
      // Destroyed rather than returned to the pool: a pooled connection must not keep LISTENing.
      releaseListener();
      await batchChain;
      await discardProducer();
    },
    async flush(timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      let consecutiveFailures = 0;
      for (;;) {
        try {
          if ((await publishBatch()) > 0) continue;
          consecutiveFailures = 0;
        } catch (err) {
          consecutiveFailures++;
          log.warn({ err }, 'outbox flush: publish failed');
          if (Date.now() >= deadline) return pendingCount().catch(() => -1);
          await new Promise((r) => setTimeout(r, Math.min(backoffMax, backoffInitial * 2 ** (consecutiveFailures - 1), Math.max(0, deadline - Date.now()))));
          continue;
        }
        const pending = await pendingCount();
        if (pending === 0 || Date.now() >= deadline) return pending;
        // The rest is held by another relay (or held back for per-key order); look again shortly.
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    publishBatch,
    pendingCount,
  };
}

async function countParked(pool: Pool): Promise<number> {
  const { rows } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM outbox WHERE parked_at IS NOT NULL');
  return rows[0]?.n ?? 0;
}

/** Why a row was parked, from its last error: the broker's rejection type, or a missing topic. */
const parkReasonSql = `coalesce(
  substring(last_error from '(MESSAGE_TOO_LARGE|RECORD_LIST_TOO_LARGE|INVALID_RECORD|INVALID_TOPIC_EXCEPTION|TOPIC_AUTHORIZATION_FAILED)'),
  CASE WHEN last_error LIKE '%does not exist on the broker%' THEN 'TOPIC_MISSING' END,
  'OTHER')`;

async function countParkedByReason(pool: Pool): Promise<{ topic: string; reason: string; n: number }[]> {
  const { rows } = await pool.query<{ topic: string; reason: string; n: number }>(
    `SELECT topic, ${parkReasonSql} AS reason, count(*)::int AS n FROM outbox WHERE parked_at IS NOT NULL GROUP BY 1, 2`,
  );
  return rows;
}

async function countBlocked(pool: Pool): Promise<number> {
  const { rows } = await pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM outbox o WHERE published_at IS NULL AND parked_at IS NULL AND ${blockedByParked('o')}`,
  );
  return rows[0]?.n ?? 0;
}

export interface ParkedOutboxRow {
  id: number;
  eventId: string;
  type: string | null;
  topic: string;
  key: string;
  attempts: number;
  /** Why Kafka refused it, as the relay last saw it. */
  lastError: string | null;
  createdAt: Date;
  parkedAt: Date;
  /** Later rows of the same topic and key held back behind this one (per-key order). */
  blockedBehind: number;
}

/** Parked rows, oldest first: what an operator has to look at (DESIGN.md: visible and replayable). */
export async function listParkedOutbox(pool: Pool): Promise<ParkedOutboxRow[]> {
  const { rows } = await pool.query<ParkedOutboxRow>(
    `SELECT o.id, o.event_id AS "eventId", o.payload->>'type' AS type, o.topic, o.key, o.attempts,
            o.last_error AS "lastError", o.created_at AS "createdAt", o.parked_at AS "parkedAt",
            (SELECT count(*)::int FROM outbox b
             WHERE b.published_at IS NULL AND b.parked_at IS NULL AND b.topic = o.topic AND b.key = o.key AND b.id > o.id) AS "blockedBehind"
     FROM outbox o WHERE o.parked_at IS NOT NULL ORDER BY o.id`,
  );
  return rows;
}

/**
 * Unparks a row so the relays try it again (e.g. after the topic was created or the broker's limit
 * raised), with a fresh failure count. If Kafka still refuses it, it is parked again. Resolves false
 * when no parked row has that event id.
 */
export async function replayParkedOutbox(pool: Pool, eventId: string): Promise<boolean> {
  const result = await pool.query(
    `WITH replayed AS (
       UPDATE outbox SET parked_at = NULL, attempts = 0 WHERE event_id = $1 AND parked_at IS NOT NULL RETURNING id
     )
     SELECT pg_notify($2, '') FROM replayed`,
    [eventId, outboxChannel],
  );
  return (result.rowCount ?? 0) > 0;
}
