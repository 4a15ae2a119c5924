// The kit's one reader of process.env (as a default argument, so tests pass their own map). Services
// call it once from their config.ts with their schema and get typed values or a ConfigError that names
// every bad or missing variable at once: fixing them one restart at a time is how outages get longer.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { ConfigError } from './config-error.ts';
import { envBrokerList, envDurationMs, envInteger, envKafkaSaslMechanism, envLogLevel, envPort, envString, envUrl } from './env-fields.ts';

export type Env = Readonly<Record<string, string | undefined>>;

/** The repository root, so paths in configuration mean the same thing whatever the process's cwd is (npm workspaces change it). */
export const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));

/** A file path; a relative one is taken from the repository root, not from the cwd. */
export function envFilePath() {
  return envString().transform((value) => path.resolve(repoRoot, value));
}

/**
 * Fields every service has. A service extends it with its own (and gives HTTP_PORT its default port):
 * `commonConfigSchema.extend({ HTTP_PORT: envPort().default(3002), ... })`.
 */
export const commonConfigSchema = z.object({
  HTTP_HOST: envString().default('127.0.0.1'),
  HTTP_PORT: envPort(),
  DATABASE_URL: envUrl(['postgres:', 'postgresql:']),
  // Connections this service keeps to Postgres. A payment holds one for its whole transaction (some
  // fifteen round trips), so at 1,000 payments/s with a few ms per transaction about ten are busy at
  // once; 20 leaves room for the consumers and the relay without letting four services' pools (80)
  // outnumber what a 2-core Postgres can run. A request that waits 5 s for one is answered 503 with
  // Retry-After (the pool is saturated: the caller retries with the same Idempotency-Key).
  DATABASE_POOL_SIZE: envInteger({ min: 1, max: 1_000 }).default(20),
  KAFKA_BROKERS: envBrokerList(),
  // This service's own Kafka principal (SASL/SCRAM). Unset: no SASL, for a broker without it; the
  // local one refuses such a client. Its ACLs let it write only the topics it owns.
  KAFKA_SASL_USERNAME: envString().optional(),
  KAFKA_SASL_PASSWORD: envString().optional(),
  KAFKA_SASL_MECHANISM: envKafkaSaslMechanism().default('scram-sha-512'),
  // Partitions each of this service's consumers handles at once (kafkajs partitionsConsumedConcurrently).
  // 3 fits this 2-core machine, where four services and the brokers share the cores and each batch is
  // one Postgres transaction; on a cluster, set it near (partitions ÷ replicas) of the busiest topic.
  KAFKA_CONSUMER_CONCURRENCY: envInteger({ min: 1, max: 64 }).default(3),
  // How long the group coordinator waits for a consumer's heartbeat before it declares the member
  // dead and gives its partitions to another (and how long a restarted service's consumers wait to
  // join: the coordinator holds the rebalance until the dead member's session has run out). Shorter:
  // faster takeover after a crash. The price: a member that sends no heartbeat for this long (one
  // transaction or one bank call longer than it; the kit heartbeats between sub-batches and during
  // backoffs and dependency waits) is taken for dead, and its batch is delivered again, which the
  // inbox makes harmless. Heartbeats go every fifth of it. The broker bounds it with its
  // group.min/max.session.timeout.ms (6 s to 30 min by default; the local broker allows 1 s).
  KAFKA_SESSION_TIMEOUT: envDurationMs()
    .refine((ms) => ms >= 1_000 && ms <= 1_800_000, 'must be between 1s and 30m')
    .default(10_000),
  REDIS_URL: envUrl(['redis:', 'rediss:']),
  LOG_LEVEL: envLogLevel().default('info'),
  CLIENTS_FILE: envFilePath().default(path.join(repoRoot, 'infra/local/clients.json')),
  SHUTDOWN_TIMEOUT_MS: envDurationMs().default(10_000),
  // How long a start waits for Kafka to be ready (a broker just formatted is still creating its
  // internal topics) before it gives up with one line; each wait is logged. 0: one attempt.
  KAFKA_START_WAIT_MS: envDurationMs().default(120_000),
  // Retention (see kit's retention/): how often the pass runs, rows per DELETE, and how long
  // published outbox rows and inbox records are kept. The inbox outlives Kafka's log retention (7 days
  // by default): until a topic drops an event it can be delivered again (a consumer group reset, a
  // replay), and only the inbox record stops it acting twice. Idempotency keys go when they expire
  // (30 days after their request, as docs/api.md promises replays for).
  RETENTION_INTERVAL: envDurationMs().default(3_600_000),
  RETENTION_BATCH_SIZE: envInteger({ min: 1, max: 100_000 }).default(1_000),
  OUTBOX_RETENTION: envDurationMs().default(7 * 86_400_000),
  // The outbox relay (see kit's outbox/relay.ts): rows per claim, each claim sent to Kafka in one
  // request of at most OUTBOX_BATCH_MAX_BYTES (keep it under the broker's and topics' message.max.bytes,
  // 1 MB by default), and how often it looks for rows when no NOTIFY woke it.
  OUTBOX_BATCH_SIZE: envInteger({ min: 1, max: 10_000 }).default(1_000),
  OUTBOX_BATCH_MAX_BYTES: envInteger({ min: 1_024, max: 104_857_600 }).default(1_000_000),
  OUTBOX_POLL_INTERVAL: envDurationMs().default(500),
  INBOX_RETENTION: envDurationMs().default(14 * 86_400_000),
  // The body limit of every route that sets none of its own; only billing's batch import (POST
  // /v1/bill-batches) has a larger one. Past it: 413 payload_too_large.
  HTTP_BODY_LIMIT_BYTES: envInteger({ min: 1_024, max: 104_857_600 }).default(262_144),
  // Refused authentications reach audit_log aggregated: one row per (source, key id, reason, method,
  // path) per interval, at most AUTH_AUDIT_MAX_KEYS of them (the rest are counted in one overflow row).
  AUTH_AUDIT_FLUSH_MS: envDurationMs().default(10_000),
  AUTH_AUDIT_MAX_KEYS: envInteger({ min: 1, max: 100_000 }).default(1_000),
});
export type CommonConfig = z.output<typeof commonConfigSchema>;

export function loadConfig<S extends z.ZodObject>(schema: S, env: Env = process.env): z.output<S> {
  // `export FOO=` leaves an empty string; treating it as unset lets defaults apply and "is required" read true.
  const input: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && value !== '') input[name] = value;
  }
  const result = schema.safeParse(input);
  if (result.success) return result.data;

  const problems = new Map<string, string>();
  for (const issue of result.error.issues) {
    const name = issue.path.length > 0 ? issue.path.map(String).join('.') : '(configuration)';
    if (problems.has(name)) continue;
    problems.set(name, describe(name, issue, input));
  }
  throw new ConfigError([...problems.values()]);
}

function describe(name: string, issue: z.core.$ZodIssue, input: Record<string, string>): string {
  const topLevel = issue.path[0];
  if (typeof topLevel === 'string' && issue.path.length === 1 && input[topLevel] === undefined) return `${name} is required`;
  const message = issue.message;
  if (/^(must|is|should) /.test(message)) return `${name} ${message}`;
  return `${name} is invalid (${message})`;
}
