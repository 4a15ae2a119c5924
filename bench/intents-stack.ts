// The processes, databases and Kafka names one bench run owns, and the undoing of all of them.
//
// Why not @gateway/testkit's startServiceProcess: the testkit's index (and service-process.ts itself)
// imports @jest/globals, which throws when loaded outside Jest, so a plain `node bench/…` script cannot
// import it. This is the same idea (spawn a service's real main.ts, wait for /readyz) without Jest, plus
// what a bench needs on top: every child, database and topic is registered the moment it exists, so a
// failure at any step, a signal or the time bound still undoes everything that was started.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { Kafka, logLevel } from 'kafkajs';
import { databaseUrl, dropDatabases, ensureDatabase } from '@gateway/kit';
import { freePort } from '@gateway/testkit/processes';

export const adminUrl = process.env['DATABASE_ADMIN_URL'] || 'postgres://gateway:gateway@127.0.0.1:5432/postgres';
export const kafkaBrokers = process.env['KAFKA_BROKERS'] || '127.0.0.1:9092';
export const redisUrl = process.env['REDIS_URL'] || 'redis://127.0.0.1:6379';
// The local Kafka's super user (infra/local/env.sh): a bench uses topics and groups of its own, which
// no service principal's ACLs cover, so its services log in as it too. Empty: a broker without SASL.
const kafkaAdmin = process.env['KAFKA_ADMIN_USERNAME'] ?? 'admin';
export const kafkaSasl = kafkaAdmin ? { mechanism: 'scram-sha-512' as const, username: kafkaAdmin, password: process.env['KAFKA_ADMIN_PASSWORD'] || 'admin-local' } : undefined;

export { freePort };

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export interface BenchProcess {
  name: string;
  child: ChildProcess;
  /** The last lines the process wrote (stdout and stderr), for the failure report. */
  tail(lines?: number): string;
}

export interface StartOptions {
  name: string;
  entry: URL;
  /** The child's whole environment: nothing is inherited, so no CHANNELS_FILE leaks from one service to another. */
  env: Record<string, string>;
  /** Polled until it answers 200. */
  readyUrl: string;
  timeoutMs: number;
}

export interface Stack {
  start(options: StartOptions): Promise<BenchProcess>;
  /** A fresh, empty database (the service migrates it at start), dropped at cleanup. */
  database(name: string): Promise<string>;
  /** Consumer groups and topics of this run, deleted from Kafka at cleanup. */
  kafkaNames(names: { groups?: string[]; topics?: string[] }): void;
  /**
   * Commits each (new) group's offsets at the current end of its topic, before its service starts. The
   * kit's consumers start a group without offsets from the beginning: a fresh group on a shared topic
   * would replay every earlier run's messages (on channels.commands: re-send every unexpired debit of
   * earlier runs to this run's simulator; on billing.bills: tens of thousands of old bills to load).
   */
  startAtEnd(pairs: { groupId: string; topic: string }[]): Promise<void>;
  processes(): BenchProcess[];
  /** SIGTERM to every child (SIGKILL after the grace), then drops databases and Kafka names. Idempotent. */
  cleanup(graceMs?: number): Promise<string[]>;
  /** Last resort (the time bound's watchdog): SIGKILL every child now, synchronously. */
  killNow(): void;
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

export function createStack(): Stack {
  const children: BenchProcess[] = [];
  const databases: string[] = [];
  const groups: string[] = [];
  const topics: string[] = [];
  let cleaning: Promise<string[]> | undefined;

  async function start(options: StartOptions): Promise<BenchProcess> {
    const child = spawn(process.execPath, [options.entry.pathname], { env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    // A bounded buffer: a chatty child over a 15-minute run must not grow the bench's memory.
    let output = '';
    const keep = (chunk: Buffer): void => {
      output = (output + chunk.toString()).slice(-64_000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    const proc: BenchProcess = {
      name: options.name,
      child,
      tail: (lines = 25) => output.trimEnd().split('\n').slice(-lines).join('\n'),
    };
    children.push(proc);
    const deadline = Date.now() + options.timeoutMs;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${options.name} exited with ${child.exitCode} before it was ready:\n${proc.tail()}`);
      const ready = await fetch(options.readyUrl, { signal: AbortSignal.timeout(2_000) }).then(
        (r) => r.ok,
        () => false,
      );
      if (ready) return proc;
      if (Date.now() > deadline) throw new Error(`${options.name} not ready within ${options.timeoutMs} ms:\n${proc.tail()}`);
      await sleep(200);
    }
  }

  async function database(name: string): Promise<string> {
    databases.push(name);
    await ensureDatabase(adminUrl, name);
    return databaseUrl(adminUrl, name);
  }

  async function deleteKafkaNames(): Promise<void> {
    if (groups.length === 0 && topics.length === 0) return;
    const admin = new Kafka({ clientId: 'bench-cleanup', brokers: kafkaBrokers.split(','), logLevel: logLevel.NOTHING, ...(kafkaSasl ? { sasl: kafkaSasl } : {}) }).admin();
    await admin.connect();
    try {
      // Groups first: a topic's deletion leaves its groups' committed offsets dangling otherwise.
      if (groups.length > 0) await admin.deleteGroups(groups).catch(() => undefined);
      if (topics.length > 0) await admin.deleteTopics({ topics, timeout: 10_000 });
    } finally {
      await admin.disconnect();
    }
  }

  async function runCleanup(graceMs: number): Promise<string[]> {
    const problems: string[] = [];
    await Promise.all(
      children.map(async ({ name, child }) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        child.kill('SIGTERM');
        const timer = setTimeout(() => {
          problems.push(`${name} did not exit within ${graceMs} ms of SIGTERM; killed`);
          child.kill('SIGKILL');
        }, graceMs);
        await exited(child);
        clearTimeout(timer);
      }),
    );
    // Only once every service has stopped: a running consumer would re-create its group.
    await dropDatabases(adminUrl, databases).catch((error: unknown) => problems.push(`dropping databases ${databases.join(', ')}: ${String(error)}`));
    await deleteKafkaNames().catch((error: unknown) => problems.push(`deleting Kafka groups/topics: ${String(error)}`));
    return problems;
  }

  async function startAtEnd(pairs: { groupId: string; topic: string }[]): Promise<void> {
    const admin = new Kafka({ clientId: 'bench-offsets', brokers: kafkaBrokers.split(','), logLevel: logLevel.NOTHING, ...(kafkaSasl ? { sasl: kafkaSasl } : {}) }).admin();
    await admin.connect();
    try {
      const existing = new Set(await admin.listTopics());
      // A topic that does not exist yet has nothing to replay: its service creates it and starts at 0.
      // Explicit high-water marks: resetOffsets({ earliest: false }) commits -1, which a consumer reads as
      // "no offset" and then starts from the beginning after all.
      for (const { groupId, topic } of pairs) {
        if (!existing.has(topic)) continue;
        const ends = await admin.fetchTopicOffsets(topic);
        await admin.setOffsets({ groupId, topic, partitions: ends.map((p) => ({ partition: p.partition, offset: p.high })) });
      }
    } finally {
      await admin.disconnect();
    }
  }

  return {
    start,
    database,
    startAtEnd,
    kafkaNames(names) {
      groups.push(...(names.groups ?? []));
      topics.push(...(names.topics ?? []));
    },
    processes: () => [...children],
    cleanup(graceMs = 15_000) {
      cleaning ??= runCleanup(graceMs);
      return cleaning;
    },
    killNow() {
      for (const { child } of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

/** Reads the bench's integer options (`parseArgs` strings), each within its bounds or a one-line error. */
export function integerOptions(values: Readonly<Record<string, unknown>>): (name: string, min: number, max: number) => number {
  return (name, min, max) => {
    const n = Number(values[name]);
    if (!Number.isSafeInteger(n) || n < min || n > max) throw new Error(`--${name} must be an integer in ${min}..${max}`);
    return n;
  };
}
