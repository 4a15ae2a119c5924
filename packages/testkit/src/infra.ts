import { createConnection } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { KafkaSasl } from '@gateway/kit';

export interface TestInfra {
  /** A superuser-ish role's URL to the `postgres` database: used to create and drop test databases. */
  databaseAdminUrl: string;
  kafkaBrokers: string[];
  /**
   * The Kafka super user the test infrastructure logs in as (creating per-test topics, producing and
   * watching anything, running services under test). Unset: a broker without SASL.
   */
  kafkaSasl: KafkaSasl | undefined;
  redisUrl: string;
}

// The same defaults infra/local/env.sh exports, so tests run from an IDE without sourcing it.
const defaults = {
  databaseAdminUrl: 'postgres://gateway:gateway@127.0.0.1:5432/postgres',
  kafkaBrokers: '127.0.0.1:9092',
  kafkaAdminUsername: 'admin',
  kafkaAdminPassword: 'admin-local',
  redisUrl: 'redis://127.0.0.1:6379',
};

export function testInfra(): TestInfra {
  const env = process.env;
  // An empty KAFKA_ADMIN_USERNAME (set to nothing on purpose) means a broker without SASL.
  const kafkaUser = env['KAFKA_ADMIN_USERNAME'] ?? defaults.kafkaAdminUsername;
  return {
    databaseAdminUrl: env['DATABASE_ADMIN_URL'] || defaults.databaseAdminUrl,
    kafkaBrokers: (env['KAFKA_BROKERS'] || defaults.kafkaBrokers)
      .split(',')
      .map((b) => b.trim())
      .filter(Boolean),
    kafkaSasl: kafkaUser ? { mechanism: 'scram-sha-512', username: kafkaUser, password: env['KAFKA_ADMIN_PASSWORD'] || defaults.kafkaAdminPassword } : undefined,
    redisUrl: env['REDIS_URL'] || defaults.redisUrl,
  };
}

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

export function hostPort(address: string, defaultPort: number): { host: string; port: number } {
  const url = new URL(address.includes('://') ? address : `tcp://${address}`);
  return { host: url.hostname.replace(/^\[|\]$/g, ''), port: url.port ? Number(url.port) : defaultPort };
}

/** True when something accepts TCP connections at host:port within `timeoutMs`. */
export function isListening(host: string, port: number, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Polls `check` until it returns a truthy value or `timeoutMs` passes (then throws `message`). */
export async function waitFor<T>(check: () => Promise<T> | T, { timeoutMs = 10_000, intervalMs = 100, message = 'condition' } = {}): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) {
      const cause = lastError instanceof Error ? `: ${lastError.message}` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${message}${cause}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
