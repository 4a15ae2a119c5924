import type { Kafka, Message, Producer } from 'kafkajs';
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
  /** Unpublished rows, for metrics and the dashboard. */
  pendingCount(): Promise<number>;
}

interface OutboxRow {
  id: number;
  topic: string;
  key: string;
  payload: unknown;
  headers: Record<string, string>;
}

/**
 * Claims up to $1 unpublished rows, oldest first, skipping rows another relay holds. A claimed row is
 * returned only if no earlier unpublished event of the same topic and key is held elsewhere: with two
 * relays, B must not publish an aggregate's event 2 while A is still sending its event 1. Rows held
 * back this way stay unpublished and are picked up on a later round.
 */
const claimSql = `
  WITH claimed AS (
    SELECT id, topic, key FROM outbox
    WHERE published_at IS NULL
    ORDER BY id
    LIMIT $1
    FOR UPDATE SKIP LOCKED
  )
  SELECT o.id, o.topic, o.key, o.payload, o.headers
  FROM outbox o JOIN claimed c ON c.id = o.id
  WHERE NOT EXISTS (
    SELECT 1 FROM outbox e
    WHERE e.published_at IS NULL AND e.topic = c.topic AND e.key = c.key AND e.id < c.id
      AND e.id NOT IN (SELECT id FROM claimed)
  )
  ORDER BY o.id`;

function errorText(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
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

  const published = metric(options.registry, 'outbox_published_total', (registers) =>
    new Counter({ name: 'outbox_published_total', help: 'Outbox rows published to Kafka.', registers }),
  );
  const failures = metric(options.registry, 'outbox_publish_failures_total', (registers) =>
    new Counter({ name: 'outbox_publish_failures_total', help: 'Outbox batches that failed to publish.', registers }),
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
    producer ??= createProducer(kafka);
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

  async function publishOnce(): Promise<number> {
    const client = await pool.connect();
    let rows: OutboxRow[] = [];
    let releaseErr: Error | undefined;
    try {
      await client.query('BEGIN');
      // The rows stay locked while Kafka is being written to; that wait is not an idle leak.
      await client.query(`SET LOCAL idle_in_transaction_session_timeout = '5min'`);
      rows = (await client.query<OutboxRow>(claimSql, [batchSize])).rows;
      if (rows.length === 0) {
        await client.query('COMMIT');
        return 0;
      }
      const byTopic = new Map<string, Message[]>();
      for (const row of rows) {
        const messages = byTopic.get(row.topic) ?? [];
        messages.push({ key: row.key, value: JSON.stringify(row.payload), headers: row.headers });
        byTopic.set(row.topic, messages);
      }
      const p = await connectedProducer();
      await p.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
      await client.query(
        'UPDATE outbox SET published_at = now(), attempts = attempts + 1, last_error = NULL WHERE id = ANY($1::bigint[])',
        [rows.map((r) => r.id)],
      );
      await client.query('COMMIT');
      published.inc(rows.length);
      return rows.length;
    } catch (err) {
      await client.query('ROLLBACK').catch((rollbackErr: unknown) => {
        releaseErr = rollbackErr instanceof Error ? rollbackErr : new Error(String(rollbackErr));
      });
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
    const { rows } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL');
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

/** Deletes rows published more than `olderThanDays` ago; the outbox is a queue, not an archive. */
export async function purgePublishedOutbox(pool: Pool, olderThanDays = 7): Promise<number> {
  const result = await pool.query(`DELETE FROM outbox WHERE published_at < now() - make_interval(days => $1)`, [olderThanDays]);
  return result.rowCount ?? 0;
}
