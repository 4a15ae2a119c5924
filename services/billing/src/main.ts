// Composition root: real adapters in, SIGTERM handled. Start-up problems (configuration, an
// unreachable dependency) end the process with one line naming them.
import { topics } from '@gateway/contracts';
import { configOrExit, createDeadLetterLedger, createLogger, ensureTopics, listenHttp, runService, startInfrastructure } from '@gateway/kit';
import { buildApp } from './app.ts';
import { readConfig } from './config.ts';
import { createSettlementConsumer } from './events/settlement.consumer.ts';
import { publishedTopics } from './events/topics.ts';
import { runLateFees } from './flows/run-late-fees.flow.ts';
import { createLateFeeScheduler } from './jobs/late-fee.scheduler.ts';
import { serviceName } from './service-name.ts';

const config = configOrExit(serviceName, readConfig);

const logger = createLogger({ service: serviceName, level: config.LOG_LEVEL });

await runService({
  service: serviceName,
  logger,
  shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  async start(shutdown) {
    const infra = await startInfrastructure({
      service: serviceName,
      config,
      logger,
      shutdown,
      migrationsDir: new URL('../migrations', import.meta.url).pathname,
      topics: publishedTopics,
    });
    const policy = config.lateFeePolicy;

    // The consumed topic (and its DLQ) may not exist yet if payment orchestration never started;
    // subscribing to a missing topic fails, so billing creates it with the contract's partitions.
    await ensureTopics(infra.kafka, [{ topic: config.PAYMENTS_TOPIC, numPartitions: topics['payments.payments'].partitions }]);
    const settlement = createSettlementConsumer({
      kafka: infra.kafka,
      pool: infra.pool,
      logger,
      registry: infra.registry,
      policy,
      topic: config.PAYMENTS_TOPIC,
      groupId: config.SETTLEMENT_GROUP_ID,
      partitionsConsumedConcurrently: config.KAFKA_CONSUMER_CONCURRENCY,
      consumerOptions: { sessionTimeoutMs: config.KAFKA_SESSION_TIMEOUT },
    });
    // Registered after the infrastructure and before the HTTP server, so on SIGTERM it stops after
    // HTTP stopped taking requests and before the relay and the pool.
    // What the settlement consumer dead-letters, stored for the operator and replayed through it.
    const deadLetters = createDeadLetterLedger({ kafka: infra.kafka, pool: infra.pool, logger, groupId: config.DEAD_LETTER_GROUP_ID, consumers: [settlement], sessionTimeoutMs: config.KAFKA_SESSION_TIMEOUT });
    // One step, the two in parallel: each may wait out a fetch in flight before it leaves its group.
    shutdown.register('settlement consumer and dead-letter ledger', async () => {
      await Promise.all([settlement.stop(), deadLetters.stop()]);
    });

    const scheduler = config.LATE_FEE_RUN_ENABLED
      ? createLateFeeScheduler({
          logger,
          run: (businessDate) =>
            runLateFees({ pool: infra.pool, policy, logger, registry: infra.registry, chunkSize: config.LATE_FEE_CHUNK_SIZE }, businessDate),
        })
      : undefined;
    if (scheduler) shutdown.register('late-fee scheduler', () => scheduler.stop());

    const importLimits = { maxLines: config.BILL_MAX_LINES, maxBillBytes: config.BILL_MAX_BYTES };
    // /readyz checks what the API needs (Postgres, Redis, Kafka), not the consumer's group membership,
    // so a load balancer sends API traffic here while the consumer is still joining its group.
    const app = buildApp({ logger, auth: infra.auth, bodyLimit: config.HTTP_BODY_LIMIT_BYTES, readiness: infra.readiness, registry: infra.registry, pool: infra.pool, policy, importLimits, feeSchedules: config.feeSchedules, deadLetters });
    // Listening before the consumer starts: after a crash, joining the group waits until the dead
    // member's session times out (KAFKA_SESSION_TIMEOUT), and the API needs no consumer to answer.
    const url = await listenHttp(app, { host: config.HTTP_HOST, port: config.HTTP_PORT }, shutdown);
    logger.info({ url, lateFeePolicy: policy.name }, `${serviceName} listening`);

    // Still awaited: a consumer that cannot start ends the process with its one-line reason.
    await Promise.all([settlement.start(), deadLetters.start()]);
    scheduler?.start();
  },
});
