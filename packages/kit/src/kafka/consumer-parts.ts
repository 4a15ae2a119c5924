// What the per-message consumer (consumer.ts) and the batch consumer (batch-consumer.ts) share: the
// kafkajs consumer settings, the metrics, the dead-letter writer, backoff and an interruptible sleep.
import type { Consumer, ConsumerRunConfig, Kafka, KafkaMessage, Producer } from 'kafkajs';
import { parseEvent } from '@gateway/contracts';
import type { AnyEvent } from '@gateway/contracts';
import type { Logger } from 'pino';
import { Counter } from 'prom-client';
import type { Registry } from 'prom-client';
import { dlqHeaders, truncateReason } from './dlq.ts';
import type { DeadLetterKind } from './dlq.ts';
import { createProducer } from './producer.ts';
import { dlqTopicFor } from './topics.ts';

export interface MessageContext {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  headers: Record<string, string>;
  /** 1 on first delivery to the handler, up to maxAttempts. */
  attempt: number;
}

export interface BackoffOptions {
  initialMs?: number;
  maxMs?: number;
  multiplier?: number;
}

/** What both consumers take, apart from their handler. */
export interface ConsumerBaseOptions {
  kafka: Kafka;
  groupId: string;
  topics: string[];
  logger: Logger;
  /** Handler attempts before the message goes to `<topic>.dlq`. */
  maxAttempts?: number;
  backoff?: BackoffOptions;
  /**
   * Where a group with no committed offset starts. Default true: a new consumer group (a new
   * service, or one renamed) must not silently skip the events published before it first joined.
   */
  fromBeginning?: boolean;
  registry?: Registry;
  /** The group session (config KAFKA_SESSION_TIMEOUT, where its trade-off is explained). Default 10 s. */
  sessionTimeoutMs?: number;
  /** Default a fifth of the session timeout: the broker wants it under a third, so one lost heartbeat is survived. */
  heartbeatIntervalMs?: number;
  rebalanceTimeoutMs?: number;
  /** Partitions handled in parallel; messages within one partition are always handled in order. */
  partitionsConsumedConcurrently?: number;
}

/** A dead-lettered message as it was first delivered: what EventConsumer.replay takes. */
export interface ReplayedMessage {
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  /** The message's own headers (without the dlq-* ones the dead-letter writer added). */
  headers: Record<string, string>;
}

export interface EventConsumer {
  readonly consumer: Consumer;
  readonly groupId: string;
  readonly topics: readonly string[];
  /** Connects, subscribes and starts handling; resolves once the run loop is started. */
  start(): Promise<void>;
  /** Resolves when this member has joined its group (useful in tests before producing). */
  joined(): Promise<void>;
  /** Stops taking messages, lets the one being handled finish (or abandons its backoff), disconnects. */
  stop(): Promise<void>;
  /**
   * Runs a message this group dead-lettered through exactly the path a fresh delivery takes (the
   * contract's schema, the inbox, the handler), once, in this process, for an operator's replay. It
   * never dead-letters and never retries: it resolves when the message was handled (or the inbox
   * says it already was) and throws why not, so the operator sees the reason at once.
   */
  replay(message: ReplayedMessage): Promise<void>;
}

export interface ConsumerMetrics {
  consumed: Counter<'topic' | 'group'>;
  failed: Counter<'topic' | 'group'>;
  deadLettered: Counter<'topic' | 'group' | 'kind'>;
}

function counter<L extends string>(registry: Registry | undefined, name: string, help: string, labelNames: L[]): Counter<L> {
  // Several consumers share one registry; registering a metric name twice throws, so reuse it.
  const existing = registry?.getSingleMetric(name);
  if (existing) return existing as Counter<L>;
  return new Counter({ name, help, labelNames, registers: registry ? [registry] : [] });
}

export function consumerMetrics(registry: Registry | undefined): ConsumerMetrics {
  return {
    consumed: counter(registry, 'kafka_consumer_messages_consumed_total', 'Messages that passed their schema and reached a handler.', ['topic', 'group']),
    failed: counter(registry, 'kafka_consumer_handler_failures_total', 'Handler attempts that threw.', ['topic', 'group']),
    deadLettered: counter(registry, 'kafka_consumer_messages_dead_lettered_total', 'Messages sent to their dead-letter topic.', ['topic', 'group', 'kind']),
  };
}

/** A replayed message that fails its contract: refused as its first delivery was, never handled. */
export class ReplaySchemaError extends Error {
  constructor(reason: string) {
    super(`the message fails its contract: ${reason}`);
    this.name = 'ReplaySchemaError';
  }
}

/** A replayed message as its handler sees a first delivery: the checked event and its context. */
export function replayedDelivery(message: ReplayedMessage): { event: AnyEvent; context: MessageContext } {
  let event: AnyEvent;
  try {
    event = parseEvent(message.value ?? new Uint8Array());
  } catch (err) {
    throw new ReplaySchemaError(errorText(err));
  }
  const { topic, partition, offset, headers } = message;
  return { event, context: { topic, partition, offset, key: message.key?.toString() ?? null, headers, attempt: 1 } };
}

export function errorText(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return String(err);
}

export type Backoff = Required<BackoffOptions>;

export function backoffOf(options: BackoffOptions | undefined): Backoff {
  return { initialMs: 200, maxMs: 10_000, multiplier: 2, ...options };
}

/** The wait before retry number `n` (1-based). */
export function backoffDelay(backoff: Backoff, n: number): number {
  return Math.min(backoff.maxMs, backoff.initialMs * backoff.multiplier ** Math.min(n - 1, 20));
}

/** Sleeps that stop() cuts short, so a consumer in a long backoff stops at once. */
export interface Sleeper {
  sleep(ms: number): Promise<void>;
  wakeAll(): void;
}

export function createSleeper(): Sleeper {
  const sleepers = new Set<() => void>();
  return {
    sleep(ms) {
      return new Promise((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          sleepers.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, ms);
        sleepers.add(wake);
      });
    },
    wakeAll() {
      for (const wake of [...sleepers]) wake();
    },
  };
}

export interface DeadLetterWriter {
  write(topic: string, partition: number, message: KafkaMessage, kind: DeadLetterKind, reason: string, attempts: number): Promise<void>;
  close(): Promise<void>;
}

/** Writes a message, unchanged, to `<topic>.dlq` with headers that say why, for an operator to replay. */
export function createDeadLetterWriter(kafka: Kafka, groupId: string, metrics: ConsumerMetrics, log: Logger): DeadLetterWriter {
  let producer: Producer | undefined;
  return {
    async write(topic, partition, message, kind, reason, attempts) {
      const headers = {
        ...message.headers,
        [dlqHeaders.reason]: truncateReason(reason),
        [dlqHeaders.kind]: kind,
        [dlqHeaders.originalTopic]: topic,
        [dlqHeaders.originalPartition]: String(partition),
        [dlqHeaders.originalOffset]: message.offset,
        [dlqHeaders.attempts]: String(attempts),
        [dlqHeaders.consumerGroup]: groupId,
        [dlqHeaders.failedAt]: new Date().toISOString(),
      };
      producer ??= createProducer(kafka);
      const current = producer;
      try {
        await current.connect();
        await current.send({ topic: dlqTopicFor(topic), acks: -1, messages: [{ key: message.key, value: message.value, headers }] });
      } catch (err) {
        // A failed send may still have been written; reusing this producer's rewound sequence numbers
        // for the next, different message could get that one dropped as a "duplicate". Start afresh.
        producer = undefined;
        await current.disconnect().catch(() => undefined);
        throw err;
      }
      metrics.deadLettered.inc({ topic, group: groupId, kind });
      log.warn({ topic, partition, offset: message.offset, kind, attempts, reason: truncateReason(reason, 500) }, 'message dead-lettered');
    },
    async close() {
      await producer?.disconnect().catch(() => undefined);
    },
  };
}

/** What every consumer is made of: the kafkajs consumer and the pieces around its handler. */
export interface ConsumerParts {
  consumer: Consumer;
  log: Logger;
  metrics: ConsumerMetrics;
  sleeper: Sleeper;
  deadLetters: DeadLetterWriter;
  maxAttempts: number;
  backoff: Backoff;
  /**
   * Sleeps `ms` (a backoff, a wait for a dependency) in slices of the heartbeat interval, heartbeating
   * after each while `active()`: a wait longer than the session timeout must not get this member taken
   * for dead. False when `active()` turned false (stopping, or the partition was taken away).
   */
  pause: (ms: number, heartbeat: () => Promise<void>, active: () => boolean) => Promise<boolean>;
  /** True once stop() was called: a handler in a backoff or between batches gives up. */
  stopping: () => boolean;
  /** The EventConsumer that runs `run` (its handler) with manual offset commits. */
  handle(run: Omit<ConsumerRunConfig, 'autoCommit' | 'partitionsConsumedConcurrently'>, replay: (message: ReplayedMessage) => Promise<void>): EventConsumer;
}

export function consumerParts(options: ConsumerBaseOptions, component: string): ConsumerParts {
  const log = options.logger.child({ component, groupId: options.groupId });
  const metrics = consumerMetrics(options.registry);
  const sessionTimeout = options.sessionTimeoutMs ?? 10_000;
  const heartbeatInterval = options.heartbeatIntervalMs ?? Math.floor(sessionTimeout / 5);
  const consumer = options.kafka.consumer({
    groupId: options.groupId,
    sessionTimeout,
    heartbeatInterval,
    rebalanceTimeout: options.rebalanceTimeoutMs ?? 60_000,
    allowAutoTopicCreation: false,
  });
  const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
  const sleeper = createSleeper();
  const deadLetters = createDeadLetterWriter(options.kafka, options.groupId, metrics, log);
  let stopping = false;
  return {
    consumer,
    log,
    metrics,
    sleeper,
    deadLetters,
    maxAttempts: Math.max(1, options.maxAttempts ?? 5),
    backoff: backoffOf(options.backoff),
    pause: async (ms, heartbeat, active) => {
      const end = Date.now() + ms;
      do {
        await sleeper.sleep(Math.min(Math.max(0, end - Date.now()), heartbeatInterval));
        if (!active()) return false;
        // kafkajs sends it only once heartbeatInterval has passed since the last one.
        await heartbeat();
      } while (Date.now() < end);
      return true;
    },
    stopping: () => stopping,
    handle: (run, replay) => ({
      consumer,
      groupId: options.groupId,
      topics: options.topics,
      replay,
      async start() {
        try {
          await consumer.connect();
          await consumer.subscribe({ topics: options.topics, fromBeginning: options.fromBeginning ?? true });
          await consumer.run({ ...run, autoCommit: false, partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 1 });
        } catch (err) {
          // A SIGTERM while the service already listens but this consumer still waits to join its
          // group stops it mid-start: that is the shutdown going to plan, not a start-up failure.
          if (stopping) return;
          throw err;
        }
      },
      joined: () => joined,
      async stop() {
        stopping = true;
        sleeper.wakeAll();
        await consumer.disconnect();
        await deadLetters.close();
      },
    }),
  };
}
