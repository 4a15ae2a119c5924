// The Kafka side of the invariant checker (invariants.ts): what was published on billing.bills,
// payments.payments and the dead-letter topics, read from the beginning by one consumer per stack that
// keeps its position between calls (the checker runs every ~2 s while the system settles, so it must
// not re-read everything each time), and every service group's lag.
//
// Events are kept by event id: a relay that crashed after publishing publishes the same row again
// (same event id, at-least-once), which is not a duplicate; the same payment under two event ids is.
import { randomUUID } from 'node:crypto';
import kafkajs from 'kafkajs';
import type { Admin, Consumer, Kafka } from 'kafkajs';
import { dlqTopicOf, topicNames } from '@gateway/contracts';
import { decodeHeaders, dlqHeaders } from '@gateway/kit';
import type { ChaosStack } from './types.ts';

// kafkajs is CommonJS; its named exports are not all visible to ESM.
const { Kafka: KafkaClient, logLevel } = kafkajs;

/** Our own consumer groups start with this, so the lag check leaves them out. */
export const checkerGroupPrefix = 'chaos-invariants-';

const readTopics = ['billing.bills', 'payments.payments', ...topicNames.map((t) => dlqTopicOf(t))];

export interface KafkaTruth {
  /** bill id → event ids of its bill.settled / bill.reopened, in the order read (per partition). */
  settled: Map<string, Set<string>>;
  reopened: Map<string, Set<string>>;
  /** payment id → event ids of payment.completed / payment.reversed. */
  completed: Map<string, Set<string>>;
  reversed: Map<string, Set<string>>;
  /** dead-letter topic → messages there, with a few of their reasons. */
  deadLetters: Map<string, { count: number; samples: string[] }>;
}

interface Reader {
  kafka: Kafka;
  consumer: Consumer;
  admin: Admin;
  /** topic:partition → next offset to read. */
  positions: Map<string, number>;
  truth: KafkaTruth;
  crashed: boolean;
}

const readers = new Map<ChaosStack, Promise<Reader>>();

function emptyTruth(): KafkaTruth {
  return { settled: new Map(), reopened: new Map(), completed: new Map(), reversed: new Map(), deadLetters: new Map() };
}

function add(map: Map<string, Set<string>>, key: string, eventId: string): void {
  const set = map.get(key) ?? new Set<string>();
  set.add(eventId);
  map.set(key, set);
}

type Envelope = { eventId?: string; type?: string; payload?: { billId?: string; paymentId?: string } };

function record(truth: KafkaTruth, topic: string, value: Buffer | null, headers: Record<string, string>): void {
  if (topic.endsWith('.dlq')) {
    const entry = truth.deadLetters.get(topic) ?? { count: 0, samples: [] };
    entry.count += 1;
    if (entry.samples.length < 3) entry.samples.push(`${headers[dlqHeaders.consumerGroup] ?? '?'}: ${(headers[dlqHeaders.reason] ?? '?').slice(0, 300)}`);
    truth.deadLetters.set(topic, entry);
    return;
  }
  if (value === null) return;
  let event: Envelope;
  try {
    event = JSON.parse(value.toString('utf8')) as Envelope;
  } catch {
    return;
  }
  const id = event.eventId ?? '';
  const p = event.payload ?? {};
  if (event.type === 'bill.settled' && p.billId) add(truth.settled, p.billId, id);
  else if (event.type === 'bill.reopened' && p.billId) add(truth.reopened, p.billId, id);
  else if (event.type === 'payment.completed' && p.paymentId) add(truth.completed, p.paymentId, id);
  else if (event.type === 'payment.reversed' && p.paymentId) add(truth.reversed, p.paymentId, id);
}

async function startReader(stack: ChaosStack): Promise<Reader> {
  const kafka = new KafkaClient({
    brokers: stack.kafka.brokers,
    clientId: 'chaos-invariants',
    sasl: stack.kafka.sasl,
    ssl: false,
    connectionTimeout: 3_000,
    requestTimeout: 10_000,
    // Few, short retries: with the broker down a check must answer "unreadable" in seconds, not hang.
    retry: { retries: 3, initialRetryTime: 300, maxRetryTime: 3_000 },
    // The broker is killed on purpose; the checker reports what it could not read instead.
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  const consumer = kafka.consumer({ groupId: `${checkerGroupPrefix}${randomUUID()}`, sessionTimeout: 30_000, heartbeatInterval: 3_000 });
  const reader: Reader = { kafka, consumer, admin, positions: new Map(), truth: emptyTruth(), crashed: false };
  consumer.on(consumer.events.CRASH, (event) => {
    if (!event.payload.restart) reader.crashed = true;
  });
  await consumer.connect();
  await consumer.subscribe({ topics: readTopics, fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachBatch: async ({ batch }) => {
      for (const message of batch.messages) {
        record(reader.truth, batch.topic, message.value, decodeHeaders(message.headers));
        const key = `${batch.topic}:${batch.partition}`;
        reader.positions.set(key, Math.max(reader.positions.get(key) ?? 0, Number(message.offset) + 1));
      }
      await Promise.resolve();
    },
  });
  return reader;
}

async function readerOf(stack: ChaosStack): Promise<Reader> {
  let pending = readers.get(stack);
  if (pending !== undefined) {
    const reader = await pending.catch(() => undefined);
    if (reader !== undefined && !reader.crashed) return reader;
    readers.delete(stack);
    if (reader !== undefined) await stopReader(reader);
  }
  pending = startReader(stack);
  readers.set(stack, pending);
  pending.catch(() => readers.delete(stack));
  return pending;
}

async function stopReader(reader: Reader): Promise<void> {
  await reader.consumer.disconnect().catch(() => undefined);
  await reader.admin.disconnect().catch(() => undefined);
}

/** Stops the stack's reader (main.ts calls it once the run is over, so the process can exit). */
export async function stopKafkaReader(stack: ChaosStack): Promise<void> {
  const pending = readers.get(stack);
  readers.delete(stack);
  const reader = await pending?.catch(() => undefined);
  if (reader !== undefined) await stopReader(reader);
}

export interface KafkaSnapshot {
  truth: KafkaTruth;
  /** "group topic[partition]: n" for every service group with messages left to consume. */
  lag: string[];
  /** Why the topics could not be read to their end, if they could not. */
  unreadable?: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Reads the topics up to their current end (bounded by `waitMs`) and every service group's lag.
 * Never throws: a broker that is down gives `unreadable`.
 */
export async function readKafka(stack: ChaosStack, waitMs = 8_000): Promise<KafkaSnapshot> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<KafkaSnapshot>((resolve) => {
    timer = setTimeout(() => resolve({ truth: emptyTruth(), lag: [], unreadable: 'kafka: no answer within 20 s' }), 20_000);
  });
  try {
    return await Promise.race([read(stack, waitMs), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function read(stack: ChaosStack, waitMs: number): Promise<KafkaSnapshot> {
  let reader: Reader;
  try {
    reader = await readerOf(stack);
  } catch (error) {
    return { truth: emptyTruth(), lag: [], unreadable: `cannot start the topic reader: ${String(error)}` };
  }
  try {
    const ends = new Map<string, number>();
    for (const topic of readTopics) {
      for (const p of await reader.admin.fetchTopicOffsets(topic)) ends.set(`${topic}:${p.partition}`, Number(p.high));
    }
    const deadline = Date.now() + waitMs;
    const behind = () => [...ends].filter(([key, high]) => (reader.positions.get(key) ?? 0) < high).map(([key, high]) => `${key} at ${reader.positions.get(key) ?? 0} of ${high}`);
    while (behind().length > 0 && Date.now() < deadline && !reader.crashed) await sleep(100);
    const left = behind();
    const lag = await groupLag(reader.admin);
    return left.length === 0 ? { truth: reader.truth, lag } : { truth: reader.truth, lag, unreadable: `topics not read to their end: ${left.slice(0, 5).join(', ')}` };
  } catch (error) {
    // The admin's connection does not survive a broker restart reliably: start afresh next time.
    readers.delete(stack);
    await stopReader(reader);
    return { truth: reader.truth, lag: [], unreadable: `kafka: ${String(error)}` };
  }
}

async function groupLag(admin: Admin): Promise<string[]> {
  const { groups } = await admin.listGroups();
  const lag: string[] = [];
  const highs = new Map<string, Map<number, { high: number; low: number }>>();
  const highOf = async (topic: string) => {
    let parts = highs.get(topic);
    if (parts === undefined) {
      parts = new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, { high: Number(p.high), low: Number(p.low) }]));
      highs.set(topic, parts);
    }
    return parts;
  };
  for (const { groupId } of groups) {
    if (groupId.startsWith(checkerGroupPrefix)) continue;
    for (const { topic, partitions } of await admin.fetchOffsets({ groupId })) {
      const ends = await highOf(topic);
      for (const { partition, offset } of partitions) {
        const end = ends.get(partition);
        if (end === undefined) continue;
        // -1: nothing committed yet; everything since the partition's start is still to consume.
        const committed = Number(offset) < 0 ? end.low : Number(offset);
        if (end.high > committed) lag.push(`${groupId} ${topic}[${partition}]: ${end.high - committed}`);
      }
    }
  }
  return lag;
}
