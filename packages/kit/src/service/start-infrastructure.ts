// What every service connects to at start, in the one order that makes shutdown safe. Each service's
// main.ts calls this, then builds its app over the returned handles; the steps registered here run in
// reverse on SIGTERM: the relay flushes the outbox before the pool it reads from is closed.
import type { TopicName } from '@gateway/contracts';
import { topics as topicCatalog } from '@gateway/contracts';
import { Redis } from 'ioredis';
import type { Kafka } from 'kafkajs';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import { Registry } from 'prom-client';
import { loadClients } from '../auth/clients.ts';
import { createRefusalAudit } from '../audit/refusal-audit.ts';
import type { SignatureAuthOptions } from '../auth/signature-auth.ts';
import type { CommonConfig } from '../config/load-config.ts';
import { createPool, checkPostgres } from '../db/pool.ts';
import { runMigrations } from '../db/migrate.ts';
import type { ReadinessCheck } from '../http/health-routes.ts';
import { createKafka, kafkaSaslOf } from '../kafka/client.ts';
import { checkKafka } from '../kafka/health.ts';
import { ensureTopics } from '../kafka/topics.ts';
import { waitForKafka } from '../kafka/wait-for-kafka.ts';
import { purgeExpiredIdempotencyKeys } from '../idempotency/purge.ts';
import { createRetentionTask, purgeProcessedInbox, purgePublishedOutbox } from '../retention/retention.ts';
import type { RetentionJob } from '../retention/retention.ts';
import { DependencyUnavailableError } from '../lifecycle/startup-failure.ts';
import type { Shutdown } from '../lifecycle/shutdown.ts';
import { createOutboxRelay } from '../outbox/relay.ts';
import type { OutboxRelay } from '../outbox/relay.ts';

export interface StartInfrastructureOptions {
  service: string;
  config: CommonConfig;
  logger: Logger;
  shutdown: Shutdown;
  /** The service's own migrations folder (the kit's tables are applied first). */
  migrationsDir: string;
  /** Topics this service publishes to; created (with their DLQs) if missing. */
  topics: readonly TopicName[];
  /** The prefix of this service's consumer groups (its Kafka ACLs cover it); `<service>.` by default. */
  consumerGroupPrefix?: string;
  /** The service's own retention jobs (its short-lived tables), run beside the kit's outbox, inbox and idempotency ones. */
  retentionJobs?: (pool: Pool) => RetentionJob[];
}

export interface ServiceInfrastructure {
  pool: Pool;
  kafka: Kafka;
  redis: Redis;
  relay: OutboxRelay;
  registry: Registry;
  auth: SignatureAuthOptions;
  readiness: ReadinessCheck[];
}

function hostOf(url: string): string {
  const { hostname, port } = new URL(url);
  return `${hostname}:${port}`;
}

/** Turns a dependency's first failure into the one-line start-up error an operator can act on. */
async function reach<T>(dependency: string, address: string, attempt: () => Promise<T>): Promise<T> {
  try {
    return await attempt();
  } catch (cause) {
    throw new DependencyUnavailableError(dependency, address, cause);
  }
}

export async function startInfrastructure(options: StartInfrastructureOptions): Promise<ServiceInfrastructure> {
  const { service, config, logger, shutdown } = options;
  const registry = new Registry();
  registry.setDefaultLabels({ service });

  // Read before anything connects: a bad clients file is a configuration error, not a runtime one.
  const clients = await loadClients(config.CLIENTS_FILE);
  const sasl = kafkaSaslOf(config);

  const pool = createPool({
    connectionString: config.DATABASE_URL,
    applicationName: service,
    max: config.DATABASE_POOL_SIZE,
    logger,
  });
  shutdown.register('postgres pool', () => pool.end());
  const pgAddress = hostOf(config.DATABASE_URL);
  await reach('Postgres', pgAddress, () => checkPostgres(pool, 5_000));
  await reach('Postgres', pgAddress, () => runMigrations({ databaseUrl: config.DATABASE_URL, dir: options.migrationsDir, logger }));
  // Refused authentications, aggregated into the audit_log the migrations just made sure of. After
  // the pool, so on SIGTERM (steps run in reverse) the last window is written before the pool closes.
  const refusals = createRefusalAudit({ pool, logger, registry, flushIntervalMs: config.AUTH_AUDIT_FLUSH_MS, maxKeys: config.AUTH_AUDIT_MAX_KEYS });
  refusals.start();
  shutdown.register('refused-authentication audit', () => refusals.stop());

  const redis = new Redis(config.REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 2, connectTimeout: 3_000 });
  // ioredis reconnects by itself; without a listener an outage would crash the process instead.
  redis.on('error', (err: Error) => logger.warn({ err: err.message }, 'redis connection error'));
  shutdown.register('redis', async () => {
    await redis.quit().catch(() => redis.disconnect());
  });
  await reach('Redis', hostOf(config.REDIS_URL), () => redis.connect());

  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: service, logger, sasl });
  const brokers = config.KAFKA_BROKERS.join(',');
  // The first contact goes through a silent client: an unreachable broker must read as the one
  // start-up line, not as a page of kafkajs retry stack traces.
  const probe = createKafka({ brokers: config.KAFKA_BROKERS, clientId: service, logger: logger.child({}, { level: 'silent' }), sasl });
  await reach('Kafka', brokers, () =>
    waitForKafka({
      kafka: probe,
      logger,
      timeoutMs: config.KAFKA_START_WAIT_MS,
      probeGroupId: `${options.consumerGroupPrefix ?? `${service}.`}start-probe`,
      then: () =>
        ensureTopics(
          kafka,
          options.topics.map((name) => ({ topic: name, numPartitions: topicCatalog[name].partitions })),
        ),
    }),
  );

  const relay = createOutboxRelay({
    pool,
    kafka,
    logger,
    registry,
    listen: true,
    batchSize: config.OUTBOX_BATCH_SIZE,
    maxBatchBytes: config.OUTBOX_BATCH_MAX_BYTES,
    pollIntervalMs: config.OUTBOX_POLL_INTERVAL,
  });
  relay.start();
  shutdown.register('outbox relay', async () => {
    const left = await relay.flush(Math.max(1_000, config.SHUTDOWN_TIMEOUT_MS / 2));
    if (left > 0) logger.warn({ pending: left }, 'outbox not fully flushed; the next start publishes the rest');
    await relay.stop();
  });

  const retention = createRetentionTask({
    intervalMs: config.RETENTION_INTERVAL,
    logger,
    registry,
    jobs: [
      { table: 'outbox', purge: () => purgePublishedOutbox(pool, { olderThanMs: config.OUTBOX_RETENTION, batchSize: config.RETENTION_BATCH_SIZE }) },
      { table: 'inbox', purge: () => purgeProcessedInbox(pool, { olderThanMs: config.INBOX_RETENTION, batchSize: config.RETENTION_BATCH_SIZE }) },
      { table: 'idempotency_keys', purge: () => purgeExpiredIdempotencyKeys(pool, config.RETENTION_BATCH_SIZE) },
      ...(options.retentionJobs?.(pool) ?? []),
    ],
  });
  retention.start();
  shutdown.register('retention', () => retention.stop());

  const readiness: ReadinessCheck[] = [
    { name: 'postgres', check: () => checkPostgres(pool) },
    { name: 'redis', check: () => redis.ping() },
    { name: 'kafka', check: () => checkKafka(kafka) },
  ];
  return { pool, kafka, redis, relay, registry, auth: { clients, redis, logger, onRefused: (refusal) => refusals.record(refusal) }, readiness };
}
