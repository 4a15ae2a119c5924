// Bench: the transactional outbox relay alone. C concurrent writers commit N events (one transaction
// each, through kit's withTransaction and enqueueEvent, as the services do) into a scratch database;
// one relay (kit's createOutboxRelay with its default options, LISTEN on) publishes them to a fresh
// topic on the running Kafka; a consumer in this process reads them back.
//
//   node bench/outbox-relay.ts [--events 20000] [--concurrency 32] [--rate 0] [--partitions 6] [--keys 5000] [--max-seconds 120]
//
// --rate 0 sends as fast as the writers can commit (throughput); --rate 1000 spaces the commits on a
// schedule (latency at a given arrival rate). Prints the writers' commits/s, the events/s published
// (first commit to last event read), and the commit → read-from-Kafka latency p50/p99/max. Traffic
// stays on 127.0.0.1; the run stops by itself at --max-seconds and drops its database, topic and group.
import { randomUUID } from 'node:crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { createLogger, createOutboxRelay, createPool, databaseUrl, enqueueEvent, dropDatabases, ensureDatabase, ensureTopics, runMigrations, withTransaction } from '@gateway/kit';
import { createEvent, eventCatalog } from '@gateway/contracts';
import { adminUrl, kafkaBrokers, kafkaSasl, sleep, integerOptions } from './intents-stack.ts';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '20000' },
    concurrency: { type: 'string', default: '32' },
    rate: { type: 'string', default: '0' },
    partitions: { type: 'string', default: '6' },
    keys: { type: 'string', default: '5000' },
    'max-seconds': { type: 'string', default: '120' },
  },
});
const integer = integerOptions(values);
const total = integer('events', 1, 1_000_000);
const concurrency = integer('concurrency', 1, 200);
const rate = integer('rate', 0, 100_000);
const partitions = integer('partitions', 1, 64);
const keyCount = integer('keys', 1, 1_000_000);
const deadline = Date.now() + integer('max-seconds', 1, 3_600) * 1000;

const run = Date.now().toString(36);
const name = `bench_outbox_${run}`;
const topic = `bench.outbox-relay.${run}`;
const groupId = `bench-outbox-relay-${run}`;
const logger = createLogger({ service: 'bench-outbox-relay', level: 'warn' });
const kafka = new Kafka({ clientId: `bench-outbox-relay-${run}`, brokers: kafkaBrokers.split(','), logLevel: logLevel.NOTHING, ...(kafkaSasl ? { sasl: kafkaSasl } : {}) });

await ensureDatabase(adminUrl, name);
const url = databaseUrl(adminUrl, name);
const writers = createPool({ connectionString: url, max: concurrency, applicationName: 'bench-outbox-writers' });
const relayPool = createPool({ connectionString: url, max: 4, applicationName: 'bench-outbox-relay' });
const relay = createOutboxRelay({ pool: relayPool, kafka, logger, listen: true });
const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });

// A payment-sized event (the catalogue's example), keyed by one of --keys accounts.
const example = eventCatalog['payment.completed'].example;
const committedAt = new Map<string, number>();
// Events sent before the measured ones, so the relay's first connections (Postgres, and Kafka with
// its SASL handshake, a few hundred ms on a busy machine) are not counted against the events behind them.
const warmUpIds = new Set<string>();
let warmedUp: () => void = () => undefined;
const warm = new Promise<void>((resolve) => (warmedUp = resolve));
let warmSeen = 0;
const latencies: number[] = [];
// Split at the message's timestamp (kafkajs stamps it when the relay hands the batch over): the
// relay's part (claim, and waiting for it) and Kafka's (the send, acks=all, and this consumer's fetch).
const toSend: number[] = [];
const sendToRead: number[] = [];
let duplicates = 0;
let lastReadAt = 0;
let allRead: () => void = () => undefined;
const done = new Promise<void>((resolve) => (allRead = resolve));

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

try {
  await runMigrations({ databaseUrl: url, logger });
  await ensureTopics(kafka, [{ topic, numPartitions: partitions }]);
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
  const seen = new Set<string>();
  await consumer.run({
    // eslint-disable-next-line @typescript-eslint/require-await -- kafkajs wants a promise
    eachMessage: async ({ message }) => {
      const now = performance.now();
      const id = message.headers?.['event-id']?.toString() ?? '';
      if (warmUpIds.has(id)) {
        if (++warmSeen === warmUpIds.size) warmedUp();
        return;
      }
      if (seen.has(id)) {
        duplicates++;
        return;
      }
      seen.add(id);
      const at = committedAt.get(id);
      if (at !== undefined) {
        const sentAt = Number(message.timestamp) - performance.timeOrigin;
        latencies.push(now - at);
        toSend.push(sentAt - at);
        sendToRead.push(now - sentAt);
      }
      lastReadAt = now;
      if (seen.size === total) allRead();
    },
  });
  await joined;
  relay.start();
  const warmUp = Array.from({ length: 20 }, () => createEvent('payment.completed', { producer: 'bench', key: randomUUID(), correlationId: randomUUID(), causationId: null, payload: example }));
  for (const event of warmUp) warmUpIds.add(event.eventId);
  for (const event of warmUp) await withTransaction(writers, (client) => enqueueEvent(client, event, topic));
  await warm;

  console.log(`outbox relay bench: ${total} events, ${concurrency} writers, ${rate > 0 ? `${rate} events/s scheduled` : 'as fast as they commit'}, ${partitions} partitions, ${keyCount} keys`);
  // The relay shares this process's event loop with the writers and the consumer, as it shares a
  // service's with its requests: a late loop delays every step of a cycle.
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  const started = performance.now();
  const cpuAtStart = process.cpuUsage();
  let next = 0;
  async function writer(): Promise<void> {
    for (;;) {
      const i = next++;
      if (i >= total || Date.now() > deadline) return;
      if (rate > 0) {
        const wait = started + (i * 1000) / rate - performance.now();
        if (wait > 0) await sleep(wait);
      }
      const event = createEvent('payment.completed', { producer: 'bench', key: `acct-${i % keyCount}`, correlationId: randomUUID(), causationId: null, payload: example });
      await withTransaction(writers, (client) => enqueueEvent(client, event, topic));
      committedAt.set(event.eventId, performance.now());
    }
  }
  await Promise.all(Array.from({ length: concurrency }, () => writer()));
  const written = performance.now();
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([done, new Promise((resolve) => (timer = setTimeout(resolve, Math.max(0, deadline - Date.now()))))]);
  clearTimeout(timer);
  loopDelay.disable();
  const cpu = process.cpuUsage(cpuAtStart);

  const sorted = latencies.sort((a, b) => a - b);
  const split = (values: number[]) => {
    const s = values.sort((a, b) => a - b);
    return `p50 ${percentile(s, 50).toFixed(1)} ms, p99 ${percentile(s, 99).toFixed(1)} ms, max ${(s.at(-1) ?? NaN).toFixed(1)} ms`;
  };
  const writeSeconds = (written - started) / 1000;
  const publishSeconds = (lastReadAt - started) / 1000;
  console.log(
    [
      `  writers: ${committedAt.size} commits in ${writeSeconds.toFixed(2)} s = ${(committedAt.size / writeSeconds).toFixed(0)} commits/s`,
      `  relay:   ${seen.size} events read back in ${publishSeconds.toFixed(2)} s = ${(seen.size / publishSeconds).toFixed(0)} events/s published${seen.size < total ? ` (INCOMPLETE: ${total - seen.size} missing at --max-seconds)` : ''}, ${duplicates} duplicates`,
      `  commit → read from Kafka: p50 ${percentile(sorted, 50).toFixed(1)} ms, p99 ${percentile(sorted, 99).toFixed(1)} ms, max ${(sorted.at(-1) ?? NaN).toFixed(1)} ms`,
      `    of which commit → relay's send: ${split(toSend)}; send → read: ${split(sendToRead)}`,
      `  this process: ${((cpu.user + cpu.system) / 1000 / (lastReadAt - started)).toFixed(2)} CPU cores, event loop delay p50 ${(loopDelay.percentile(50) / 1e6).toFixed(1)} ms, p99 ${(loopDelay.percentile(99) / 1e6).toFixed(1)} ms`,
    ].join('\n'),
  );
} finally {
  await relay.stop().catch(() => undefined);
  await consumer.disconnect().catch(() => undefined);
  const admin = kafka.admin();
  await admin.connect().catch(() => undefined);
  await admin.deleteGroups([groupId]).catch(() => undefined);
  await admin.deleteTopics({ topics: [topic], timeout: 10_000 }).catch(() => undefined);
  await admin.disconnect().catch(() => undefined);
  await writers.end();
  await relayPool.end();
  await dropDatabases(adminUrl, [name]);
}
