// The outbox relay: a loop that claims, publishes and marks batches (publish-batch.ts), isolating and
// parking rows Kafka refuses (poison-rows.ts, parked-rows.ts), with its metrics (relay-metrics.ts).
import type { Kafka, RetryOptions } from 'kafkajs';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { countPending } from './outbox-row.ts';
import { publishOnce } from './publish-batch.ts';
import type { PublishContext, PublishResult } from './publish-batch.ts';
import { createRelayMetrics } from './relay-metrics.ts';
import { createRelayProducer } from './relay-producer.ts';
import { createRelayWakeup } from './relay-wakeup.ts';

export interface OutboxRelayOptions {
  pool: Pool;
  /**
   * The relay builds and owns its producer: after a failed send it must replace it (see
   * createProducer), which it cannot do with a producer it was handed.
   */
  kafka: Kafka;
  logger: Logger;
  /**
   * The most rows one claim takes (default 1,000): they go to Kafka in one request and are marked
   * published in one statement, so a backlog drains in few round trips.
   */
  batchSize?: number;
  /**
   * The most bytes (values, keys, headers) one send carries (default 1,000,000): Kafka refuses a
   * partition's part of a request above its message.max.bytes (1,048,588 by default). Lower it if the
   * broker's or a topic's limit is lower. A single larger row is still sent alone.
   */
  maxBatchBytes?: number;
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
  /** One claim–publish–mark cycle; resolves with the number of rows claimed and sent. */
  publishBatch(): Promise<number>;
  /**
   * Unpublished rows the relay can still publish: parked rows, and rows held back behind a parked
   * row of their key, are not counted (see listParkedOutbox), or flush() would wait for them in vain.
   */
  pendingCount(): Promise<number>;
}

export function createOutboxRelay(options: OutboxRelayOptions): OutboxRelay {
  const { pool } = options;
  const log = options.logger.child({ component: 'outbox-relay' });
  // Written into the claim's SQL: a positive integer, whatever was passed.
  const batchSize = Math.max(1, Math.floor(options.batchSize ?? 1_000));
  const pollIntervalMs = options.pollIntervalMs ?? 500;
  const backoffInitial = options.backoff?.initialMs ?? 200;
  const backoffMax = options.backoff?.maxMs ?? 10_000;
  const isolateAfter = Math.max(1, options.isolateAfterFailures ?? 5);

  const producer = createRelayProducer(options.kafka, options.producerRetry);
  const wakeup = createRelayWakeup(pool, log, options.listen ?? true);
  const ctx: PublishContext = {
    pool,
    kafka: options.kafka,
    producer,
    log,
    metrics: createRelayMetrics(options.registry, pool),
    batchSize,
    maxBatchBytes: options.maxBatchBytes ?? 1_000_000,
    isolateAfter,
  };

  let running = false;
  let stopping = false;
  let loopDone: Promise<void> = Promise.resolve();
  // One batch at a time per relay: the loop and flush() share one producer.
  let batchChain: Promise<unknown> = Promise.resolve();

  function cycle(): Promise<PublishResult> {
    const once = () => publishOnce(ctx);
    const next = batchChain.then(once, once);
    batchChain = next.catch(() => undefined);
    return next;
  }
  const publishBatch = () => cycle().then((result) => result.claimed);

  const pendingCount = () => countPending(pool);

  async function loop(): Promise<void> {
    let consecutiveFailures = 0;
    while (!stopping) {
      await wakeup.ensureListener(stopping);
      wakeup.clearNotified();
      let more: boolean;
      try {
        ({ more } = await cycle());
        if (consecutiveFailures > 0) log.info({ after: consecutiveFailures }, 'outbox publishing resumed');
        consecutiveFailures = 0;
      } catch (err) {
        consecutiveFailures++;
        const base = Math.min(backoffMax, backoffInitial * 2 ** (consecutiveFailures - 1));
        const delay = Math.round(base / 2 + (Math.random() * base) / 2);
        log.warn({ err, consecutiveFailures, retryInMs: delay }, 'outbox publish failed; backing off');
        await wakeup.backoff(delay);
        continue;
      }
      if (!more && !stopping) await wakeup.idle(pollIntervalMs);
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
      wakeup.wakeAll();
      await loopDone;
      running = false;
      // Destroyed rather than returned to the pool: a pooled connection must not keep LISTENing.
      wakeup.releaseListener();
      await batchChain;
      await producer.discard();
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
