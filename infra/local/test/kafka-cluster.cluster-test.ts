// The cluster profile's Kafka (infra/local/kafka-cluster.sh): three combined broker+controller nodes,
// replication factor 3 and min.insync.replicas 2. Run by `npm run test:cluster`, not `npm test`: three
// JVMs start here, on ports and in a folder of their own, so the shared broker on 9092 is untouched.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { repoRoot, waitFor } from '@gateway/testkit';

const run = promisify(execFile);
const script = join(repoRoot, 'infra/local/kafka-cluster.sh');
const dir = mkdtempSync(join(tmpdir(), 'gateway-kafka-cluster-'));

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

// Six consecutive free ports (three client, three controller), below the kernel's ephemeral range.
async function freeBase(): Promise<number> {
  for (;;) {
    const base = 20_000 + 2 * Math.floor(Math.random() * 5_000);
    const free = await Promise.all([0, 1, 2, 3, 4, 5].map((i) => portFree(base + i)));
    if (free.every(Boolean)) return base;
  }
}

let base = 0;
let env: NodeJS.ProcessEnv = {};
const cluster = (...args: string[]) => run('bash', [script, ...args], { cwd: repoRoot, env, timeout: 240_000 });
const brokerPort = (node: number) => base + 2 * (node - 1);
const pidOf = (node: number) => Number(readFileSync(join(dir, `node-${node}/run/kafka.pid`), 'utf8').trim());

let kafka: Kafka;

beforeAll(async () => {
  base = await freeBase();
  env = { ...process.env, KAFKA_CLUSTER_DIR: dir, KAFKA_CLUSTER_BASE_PORT: String(base) };
  await cluster('up');
  kafka = new Kafka({
    clientId: 'kafka-cluster-test',
    brokers: [1, 2, 3].map((n) => `127.0.0.1:${brokerPort(n)}`),
    sasl: { mechanism: 'scram-sha-512', username: process.env['KAFKA_ADMIN_USERNAME'] || 'admin', password: process.env['KAFKA_ADMIN_PASSWORD'] || 'admin-local' },
    logLevel: logLevel.NOTHING,
    retry: { retries: 3, initialRetryTime: 300 },
  });
}, 300_000);

afterAll(async () => {
  if (base) await cluster('down').catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
}, 300_000);

describe('the cluster profile Kafka', () => {
  it('replicates a topic on all three brokers, keeps acks=all writes with one broker killed, and refuses them with two down', async () => {
    const admin = kafka.admin();
    await admin.connect();
    // No replication factor given: the brokers' default (3), as the kit's ensureTopics creates topics.
    await admin.createTopics({ topics: [{ topic: 'cluster.test', numPartitions: 1 }], waitForLeaders: true });
    const before = (await admin.fetchTopicMetadata({ topics: ['cluster.test'] })).topics[0]!.partitions[0]!;
    expect([...before.replicas].sort()).toEqual([1, 2, 3]);
    await admin.disconnect();

    const producer = kafka.producer({ idempotent: true, retry: { retries: 8, initialRetryTime: 300 } });
    await producer.connect();
    await producer.send({ topic: 'cluster.test', acks: -1, messages: [{ key: 'k', value: 'before' }] });

    // The partition's leader dies without a goodbye (SIGKILL): another replica takes over.
    const leader = before.leader;
    process.kill(pidOf(leader), 'SIGKILL');
    // Until the controllers fence the dead broker (broker.session.timeout.ms, 9 s) clients may still be
    // sent to it: a refused connection writes nothing, so the send is simply tried again.
    await waitFor(
      async () => {
        await producer.send({ topic: 'cluster.test', acks: -1, messages: [{ key: 'k', value: 'after one down' }] });
        return true;
      },
      { timeoutMs: 60_000, intervalMs: 1_000, message: 'an acks=all send with one broker of three killed' },
    );
    const admin2 = kafka.admin();
    await admin2.connect();
    const after = (await admin2.fetchTopicMetadata({ topics: ['cluster.test'] })).topics[0]!.partitions[0]!;
    await admin2.disconnect();
    expect(after.leader).not.toBe(leader);
    const consumer = kafka.consumer({ groupId: 'cluster-test', sessionTimeout: 10_000 });
    await consumer.connect();
    await consumer.subscribe({ topic: 'cluster.test', fromBeginning: true });
    const seen: string[] = [];
    await consumer.run({ eachMessage: async ({ message }) => void seen.push(String(message.value)) });
    await waitFor(() => seen.length >= 2, { timeoutMs: 60_000 });
    // Distinct values: a send retried by the loop above after an unanswered attempt (one that did land)
    // may be written twice; the producer's idempotence covers only its own retries.
    expect([...new Set(seen)]).toEqual(['before', 'after one down']);
    expect(after.replicas.length).toBe(3);
    await consumer.disconnect();

    // The new leader's last follower killed too: the leader is alive but alone, fewer than
    // min.insync.replicas (2), so it does not acknowledge an acks=all write.
    const follower = [1, 2, 3].find((n) => n !== leader && n !== after.leader)!;
    process.kill(pidOf(follower), 'SIGKILL');
    const refusing = kafka.producer({ idempotent: true, retry: { retries: 1, initialRetryTime: 300 } });
    await refusing.connect().catch(() => undefined);
    await expect(refusing.send({ topic: 'cluster.test', acks: -1, timeout: 3_000, messages: [{ key: 'k', value: 'two down' }] })).rejects.toThrow();
    await refusing.disconnect().catch(() => undefined);
    await producer.disconnect().catch(() => undefined);
    // Without a quorum the last broker's controlled shutdown would hang until kafka.sh's 60 s fallback.
    process.kill(pidOf(after.leader), 'SIGKILL');
  }, 240_000);
});
