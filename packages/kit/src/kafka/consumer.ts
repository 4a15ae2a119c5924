import { parseEvent } from '@gateway/contracts';
import type { AnyEvent } from '@gateway/contracts';
import type { Consumer, EachMessagePayload, Kafka, Producer } from 'kafkajs';
import type { Logger } from 'pino';
import { Counter } from 'prom-client';
import type { Registry } from 'prom-client';
import { dependencyDown } from '../lifecycle/dependency-down.ts';
import { decodeHeaders, dlqHeaders, truncateReason } from './dlq.ts';
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

export type EventHandler = (event: AnyEvent, context: MessageContext) => Promise<void> | void;

export interface BackoffOptions {
  initialMs?: number;
  maxMs?: number;
  multiplier?: number;
}

export interface CreateConsumerOptions {
  kafka: Kafka;
  groupId: string;
  topics: string[];
  handler: EventHandler;
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
  sessionTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  rebalanceTimeoutMs?: number;
  /** Partitions handled in parallel; messages within one partition are always handled in order. */
  partitionsConsumedConcurrently?: number;
}

export interface EventConsumer {
  readonly consumer: Consumer;
  /** Connects, subscribes and starts handling; resolves once the run loop is started. */
  start(): Promise<void>;
  /** Resolves when this member has joined its group (useful in tests before producing). */
  joined(): Promise<void>;
  /** Stops taking messages, lets the one being handled finish (or abandons its backoff), disconnects. */
  stop(): Promise<void>;
}

interface ConsumerMetrics {
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

function metricsFor(registry: Registry | undefined): ConsumerMetrics {
  return {
    consumed: counter(registry, 'kafka_consumer_messages_consumed_total', 'Messages that passed their schema and reached a handler.', ['topic', 'group']),
    failed: counter(registry, 'kafka_consumer_handler_failures_total', 'Handler attempts that threw.', ['topic', 'group']),
    deadLettered: counter(registry, 'kafka_consumer_messages_dead_lettered_total', 'Messages sent to their dead-letter topic.', ['topic', 'group', 'kind']),
  };
}

function errorText(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return String(err);
}

/**
 * Validating, retrying, dead-lettering consumer. Guarantees: a message's offset is committed only
 * after its handler succeeded or it was written to `<topic>.dlq`, so a crash at any point means
 * redelivery, never loss (handlers make redelivery harmless with the inbox). A message failing its
 * contract goes straight to the DLQ: retrying cannot fix it, and it must not block its partition.
 */
export function createConsumer(options: CreateConsumerOptions): EventConsumer {
  const { kafka, groupId, topics, handler, logger } = options;
  const log = logger.child({ component: 'consumer', groupId });
  const maxAttempts = Math.max(1, options.maxAttempts ?? 5);
  const backoff = { initialMs: 200, maxMs: 10_000, multiplier: 2, ...options.backoff };
  const metrics = metricsFor(options.registry);
  const consumer = kafka.consumer({
    groupId,
    sessionTimeout: options.sessionTimeoutMs ?? 30_000,
    heartbeatInterval: options.heartbeatIntervalMs ?? 3_000,
    rebalanceTimeout: options.rebalanceTimeoutMs ?? 60_000,
    allowAutoTopicCreation: false,
  });

  let stopping = false;
  const sleepers = new Set<() => void>();
  let dlqProducer: Producer | undefined;

  let markJoined: () => void = () => undefined;
  const joinedPromise = new Promise<void>((resolve) => (markJoined = resolve));
  consumer.on(consumer.events.GROUP_JOIN, () => markJoined());

  function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      sleepers.add(wake);
    });
  }

  async function commit(topic: string, partition: number, offset: string): Promise<void> {
    await consumer.commitOffsets([{ topic, partition, offset: (BigInt(offset) + 1n).toString() }]);
  }

  async function deadLetter(payload: EachMessagePayload, kind: DeadLetterKind, reason: string, attempts: number): Promise<void> {
    const { topic, partition, message } = payload;
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
    dlqProducer ??= createProducer(kafka);
    const producer = dlqProducer;
    try {
      await producer.connect();
      await producer.send({
        topic: dlqTopicFor(topic),
        acks: -1,
        messages: [{ key: message.key, value: message.value, headers }],
      });
    } catch (err) {
      // A failed send may still have been written; reusing this producer's rewound sequence numbers
      // for the next, different message could get that one dropped as a "duplicate". Start afresh.
      dlqProducer = undefined;
      await producer.disconnect().catch(() => undefined);
      throw err;
    }
    metrics.deadLettered.inc({ topic, group: groupId, kind });
    log.warn({ topic, partition, offset: message.offset, kind, attempts, reason: truncateReason(reason, 500) }, 'message dead-lettered');
  }

  async function eachMessage(payload: EachMessagePayload): Promise<void> {
    const { topic, partition, message } = payload;
    const headers = decodeHeaders(message.headers);
    let event: AnyEvent;
    try {
      event = parseEvent(message.value ?? new Uint8Array());
    } catch (err) {
      await deadLetter(payload, 'schema', errorText(err), 0);
      await commit(topic, partition, message.offset);
      return;
    }
    metrics.consumed.inc({ topic, group: groupId });
    let lastError: unknown;
    let outageWaits = 0;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      // Abandoned mid-retry by stop(): leave the offset uncommitted so the message is redelivered.
      if (stopping) return;
      let handled = false;
      try {
        await handler(event, { topic, partition, offset: message.offset, key: message.key?.toString() ?? null, headers, attempt });
        handled = true;
      } catch (err) {
        lastError = err;
        metrics.failed.inc({ topic, group: groupId });
        // A dependency that is down (Postgres restarting) says nothing about the message: waiting for it
        // does not spend an attempt, or a few seconds' outage would dead-letter every good event.
        const down = dependencyDown(err);
        if (down !== undefined) {
          outageWaits++;
          const waitMs = Math.min(backoff.maxMs, backoff.initialMs * backoff.multiplier ** Math.min(outageWaits - 1, 20));
          log.warn({ err: errorText(err), dependency: down, topic, partition, offset: message.offset, eventId: event.eventId, retryInMs: waitMs }, 'handler waiting for a dependency that is down');
          await sleep(waitMs);
          if (stopping) return;
          await payload.heartbeat();
          attempt--;
          continue;
        }
        outageWaits = 0;
        log.warn({ err, topic, partition, offset: message.offset, eventId: event.eventId, eventType: event.type, attempt, maxAttempts }, 'handler failed');
        if (attempt < maxAttempts) {
          await sleep(Math.min(backoff.maxMs, backoff.initialMs * backoff.multiplier ** (attempt - 1)));
          if (stopping) return;
          // A long backoff must not let the session time out and trigger a needless rebalance.
          await payload.heartbeat();
        }
      }
      // Outside the try: a failed commit must not count as a handler failure and re-run the handler.
      if (handled) {
        await commit(topic, partition, message.offset);
        return;
      }
    }
    await deadLetter(payload, 'handler', errorText(lastError), maxAttempts);
    await commit(topic, partition, message.offset);
  }

  return {
    consumer,
    async start() {
      await consumer.connect();
      await consumer.subscribe({ topics, fromBeginning: options.fromBeginning ?? true });
      await consumer.run({
        autoCommit: false,
        partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 1,
        eachMessage,
      });
    },
    joined: () => joinedPromise,
    async stop() {
      stopping = true;
      for (const wake of [...sleepers]) wake();
      await consumer.disconnect();
      await dlqProducer?.disconnect().catch(() => undefined);
    },
  };
}
