import { parseEvent } from '@gateway/contracts';
import type { AnyEvent } from '@gateway/contracts';
import { createKafka, createProducer, decodeHeaders, ensureTopics } from '@gateway/kit';
import type { Kafka, Producer } from 'kafkajs';
import { testInfra, waitFor } from './infra.ts';
import { testLogger } from './logger.ts';
import { uniqueName } from './names.ts';

let sharedKafka: Kafka | undefined;

/** One kafkajs client per test file; clients are cheap but each opens its own connections. */
export function testKafka(): Kafka {
  const { kafkaBrokers, kafkaSasl } = testInfra();
  sharedKafka ??= createKafka({ brokers: kafkaBrokers, clientId: uniqueName('test'), logger: testLogger('kafka'), sasl: kafkaSasl });
  return sharedKafka;
}

export interface RawMessage {
  key?: string | null;
  value: string | Buffer | null;
  headers?: Record<string, string>;
}

export interface TestKafka {
  kafka: Kafka;
  /** Creates a uniquely named topic (and its `.dlq` twin) and returns its name. */
  createTopic(prefix?: string, numPartitions?: number): Promise<string>;
  /** Produces raw messages, bypassing every contract check: for poison-message tests. */
  produce(topic: string, messages: RawMessage[]): Promise<void>;
  close(): Promise<void>;
}

export function createTestKafka(kafka: Kafka = testKafka()): TestKafka {
  let producer: Producer | undefined;
  return {
    kafka,
    async createTopic(prefix = 'topic', numPartitions = 1) {
      const topic = uniqueName(prefix);
      await ensureTopics(kafka, [{ topic, numPartitions }]);
      return topic;
    },
    async produce(topic, messages) {
      if (!producer) {
        producer = createProducer(kafka);
        await producer.connect();
      }
      await producer.send({ topic, acks: -1, messages: messages.map((m) => ({ key: m.key ?? null, value: m.value, headers: m.headers })) });
    },
    async close() {
      await producer?.disconnect();
      producer = undefined;
    },
  };
}

export interface SeenMessage {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
  /** Set when the value parsed as a contract event. */
  event?: AnyEvent;
  /** Set when it did not (e.g. on a DLQ, where poison messages land as they were). */
  parseError?: string;
}

export interface TopicWatcher {
  readonly topic: string;
  /** Everything seen so far, in arrival order. */
  readonly messages: readonly SeenMessage[];
  /** Resolves with the first event (already seen or still to come) matching `predicate`. */
  expectEvent(predicate: (event: AnyEvent) => boolean, timeoutMs?: number): Promise<AnyEvent>;
  /** Same for raw messages, including ones that are not valid events. */
  expectMessage(predicate: (message: SeenMessage) => boolean, timeoutMs?: number): Promise<SeenMessage>;
  /** Resolves once at least `count` messages matching `predicate` were seen. */
  waitForCount(count: number, predicate?: (message: SeenMessage) => boolean, timeoutMs?: number): Promise<SeenMessage[]>;
  stop(): Promise<void>;
}

export interface WatchOptions {
  /** Default false: only messages produced after watchTopic() resolved are seen. */
  fromBeginning?: boolean;
  kafka?: Kafka;
}

function describe(messages: readonly SeenMessage[]): string {
  if (messages.length === 0) return 'nothing';
  const lines = messages.slice(-20).map((m) =>
    m.event
      ? `  ${m.partition}@${m.offset} ${m.event.type} ${m.event.eventId} key=${m.event.key}`
      : `  ${m.partition}@${m.offset} (not an event: ${m.parseError ?? 'empty'}) ${(m.value ?? '').slice(0, 120)}`,
  );
  const more = messages.length > 20 ? `  … and ${messages.length - 20} earlier\n` : '';
  return `${messages.length} message(s):\n${more}${lines.join('\n')}`;
}

/**
 * Starts watching `topic` now, so an action taken afterwards cannot race past it:
 *   const watcher = await watchTopic(topic); await act(); await watcher.expectEvent(p, 5000);
 * "Now" is the partitions' end offsets read before returning, not the (later) moment the consumer
 * group finishes joining, so nothing produced in between is missed.
 */
export async function watchTopic(topic: string, options: WatchOptions = {}): Promise<TopicWatcher> {
  const kafka = options.kafka ?? testKafka();
  const startAt = new Map<number, bigint>();
  if (!options.fromBeginning) {
    const admin = kafka.admin();
    await admin.connect();
    try {
      // A topic created a moment ago (on a fresh broker, as in CI) may not have its partition leaders
      // known yet; the offsets are asked again until they are, instead of failing the test.
      const ends = await waitFor(() => admin.fetchTopicOffsets(topic), { timeoutMs: 15_000, intervalMs: 250, message: `the end offsets of ${topic}` });
      for (const p of ends) startAt.set(p.partition, BigInt(p.high));
    } finally {
      await admin.disconnect();
    }
  }
  const messages: SeenMessage[] = [];
  const listeners = new Set<() => void>();
  const consumer = kafka.consumer({ groupId: uniqueName('watch'), sessionTimeout: 6_000, heartbeatInterval: 500, rebalanceTimeout: 10_000, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      if (BigInt(message.offset) < (startAt.get(partition) ?? 0n)) return;
      const value = message.value?.toString('utf8') ?? null;
      const seen: SeenMessage = { topic, partition, offset: message.offset, key: message.key?.toString() ?? null, value, headers: decodeHeaders(message.headers) };
      try {
        seen.event = parseEvent(message.value ?? '');
      } catch (err) {
        seen.parseError = err instanceof Error ? err.message : String(err);
      }
      messages.push(seen);
      for (const listener of [...listeners]) listener();
      await Promise.resolve();
    },
  });

  function waitUntil<T>(find: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = find();
        if (found === undefined) return;
        cleanup();
        resolve(found);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`${what} on ${topic} within ${timeoutMs} ms; saw ${describe(messages)}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        listeners.delete(check);
      };
      listeners.add(check);
      check();
    });
  }

  return {
    topic,
    messages,
    expectEvent(predicate, timeoutMs = 10_000) {
      return waitUntil(() => messages.find((m) => m.event && predicate(m.event))?.event, timeoutMs, 'no event matched');
    },
    expectMessage(predicate, timeoutMs = 10_000) {
      return waitUntil(() => messages.find(predicate), timeoutMs, 'no message matched');
    },
    waitForCount(count, predicate = () => true, timeoutMs = 10_000) {
      return waitUntil(
        () => {
          const matching = messages.filter(predicate);
          return matching.length >= count ? matching : undefined;
        },
        timeoutMs,
        `fewer than ${count} matching messages`,
      );
    },
    async stop() {
      await consumer.disconnect();
    },
  };
}

/**
 * Resolves with the first event on `topic` (from its earliest offset) matching `predicate`, or
 * rejects after `timeoutMs` listing what was seen. To assert on events caused by an action without
 * scanning old ones, start a watcher before the action instead (watchTopic).
 */
export async function expectEvent(topic: string, predicate: (event: AnyEvent) => boolean, timeoutMs = 10_000): Promise<AnyEvent> {
  const watcher = await watchTopic(topic, { fromBeginning: true });
  try {
    return await watcher.expectEvent(predicate, timeoutMs);
  } finally {
    await watcher.stop();
  }
}
