// Composition root: real adapters in, SIGTERM handled. Start-up problems (configuration, an
// unreachable dependency) end the process with one line naming them.
import { topics } from '@gateway/contracts';
import { configOrExit, createDeadLetterLedger, createLogger, ensureTopics, listenHttp, runService, startInfrastructure } from '@gateway/kit';
import { buildApp } from './app.ts';
import { readConfig } from './config.ts';
import { createBillReadModelConsumer } from './events/bill-read-model.consumer.ts';
import { createChannelHealthConsumer } from './events/channel-health.consumer.ts';
import { createChannelResultsConsumer } from './events/channel-results.consumer.ts';
import { createComplaintChecksConsumer } from './events/complaint-checks.consumer.ts';
import { createOtpForwarder } from './events/otp-forwarder.producer.ts';
import { createSettlementFilesConsumer } from './events/settlement-files.consumer.ts';
import { createComplaintEvidenceClient } from './clients/complaint-evidence.client.ts';
import { createSettlementFileClient } from './clients/settlement-file.client.ts';
import { consumerGroupPrefix, publishedTopics } from './events/topics.ts';
import { createComplaintEscalationSweeper } from './jobs/complaint-escalation.sweeper.ts';
import { createIntentExpirySweeper } from './jobs/intent-expiry.sweeper.ts';
import { createSettlementFileAlertSweeper } from './jobs/settlement-file-alert.sweeper.ts';
import { createTurnaroundSweeper } from './jobs/turnaround.sweeper.ts';
import { inquiryRetentionJobs } from './jobs/inquiry-retention.ts';
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
      consumerGroupPrefix,
      retentionJobs: (pool) => inquiryRetentionJobs(pool, config),
    });

    // Consumed topics may not exist yet if billing or the bank adapter never started; subscribing to a
    // missing topic fails, so they are created here with the contract's partition counts.
    await ensureTopics(infra.kafka, [
      { topic: config.BILLS_TOPIC, numPartitions: topics['billing.bills'].partitions },
      { topic: config.CHANNEL_RESULTS_TOPIC, numPartitions: topics['channels.results'].partitions },
    ]);
    const consumerOptions = { partitionsConsumedConcurrently: config.KAFKA_CONSUMER_CONCURRENCY, sessionTimeoutMs: config.KAFKA_SESSION_TIMEOUT };
    const billReadModel = createBillReadModelConsumer({
      kafka: infra.kafka,
      pool: infra.pool,
      logger,
      registry: infra.registry,
      topic: config.BILLS_TOPIC,
      groupId: config.BILL_READ_MODEL_GROUP_ID,
      consumerOptions,
    });
    const channelHealth = createChannelHealthConsumer({
      kafka: infra.kafka,
      pool: infra.pool,
      logger,
      registry: infra.registry,
      topic: config.CHANNEL_RESULTS_TOPIC,
      groupId: config.CHANNEL_HEALTH_GROUP_ID,
      consumerOptions,
    });
    const channelResults = createChannelResultsConsumer({
      kafka: infra.kafka,
      pool: infra.pool,
      logger,
      registry: infra.registry,
      catalogues: config.catalogues,
      topic: config.CHANNEL_RESULTS_TOPIC,
      groupId: config.CHANNEL_RESULTS_GROUP_ID,
      consumerOptions,
    });
    const reconcilerKey = infra.auth.clients.find((c) => c.clientId === config.RECONCILIATION_CLIENT_ID && c.kind === 'operator')?.keys[0];
    // Without its key the service still takes payments; the settlement files then wait (their events
    // stay in Kafka for this group) until it is configured. Said loudly, once, at start.
    if (reconcilerKey === undefined) logger.warn({ clientId: config.RECONCILIATION_CLIENT_ID, clientsFile: config.CLIENTS_FILE }, 'RECONCILIATION_CLIENT_ID names no operator client: settlement files are not reconciled, complaints not checked after filing');
    const reconciliation = reconcilerKey && createSettlementFilesConsumer({
      kafka: infra.kafka,
      pool: infra.pool,
      logger,
      registry: infra.registry,
      settlementFiles: createSettlementFileClient({ baseUrl: config.BANK_ADAPTER_URL, keyId: reconcilerKey.keyId, secret: reconcilerKey.secret, timeoutMs: config.SETTLEMENT_FILE_TIMEOUT }),
      catalogues: config.catalogues,
      topic: config.CHANNEL_RESULTS_TOPIC,
      groupId: config.RECONCILIATION_GROUP_ID,
      consumerOptions,
    });
    // The automatic checks of complaints after filing ask the bank adapter and notification as the same operator client.
    const complaintChecks = reconcilerKey && createComplaintChecksConsumer({
      kafka: infra.kafka,
      pool: infra.pool,
      logger,
      registry: infra.registry,
      evidence: createComplaintEvidenceClient({
        bankAdapterUrl: config.BANK_ADAPTER_URL,
        notificationUrl: config.NOTIFICATION_URL,
        keyId: reconcilerKey.keyId,
        secret: reconcilerKey.secret,
        timeoutMs: config.COMPLAINT_CHECK_TIMEOUT,
      }),
      windowMs: config.COMPLAINT_CHECK_WINDOW,
      now: () => new Date(),
      complaintsTopic: config.COMPLAINTS_TOPIC,
      groupId: config.COMPLAINT_CHECK_GROUP_ID,
      consumerOptions,
    });
    const sweeper = createIntentExpirySweeper({
      pool: infra.pool,
      logger,
      registry: infra.registry,
      intervalMs: config.INTENT_SWEEP_INTERVAL,
      graceMs: config.INTENT_RECONCILIATION_GRACE,
    });
    const complaintClock = createComplaintEscalationSweeper({ pool: infra.pool, logger, registry: infra.registry, intervalMs: config.COMPLAINT_ESCALATION_INTERVAL });
    const fileAlerts = createSettlementFileAlertSweeper({
      pool: infra.pool,
      logger,
      registry: infra.registry,
      channels: config.catalogues.channels,
      deadline: config.SETTLEMENT_FILE_DEADLINE,
      days: config.SETTLEMENT_FILE_ALERT_DAYS,
      intervalMs: config.SETTLEMENT_FILE_CHECK_INTERVAL,
    });
    const turnaround = createTurnaroundSweeper({
      pool: infra.pool,
      logger,
      registry: infra.registry,
      channels: config.catalogues.channels,
      intervalMs: config.TURNAROUND_INTERVAL,
      settings: { defaultMs: config.TURNAROUND_DEFAULT, spacingMs: config.TURNAROUND_INQUIRY_SPACING, maxInquiries: config.TURNAROUND_MAX_INQUIRIES },
    });
    const otpForwarder = createOtpForwarder({ kafka: infra.kafka, logger });
    // Registered after the infrastructure and before the HTTP server, so on SIGTERM they stop after
    // HTTP stopped taking requests and before the relay and the pool.
    shutdown.register('otp forwarder', () => otpForwarder.stop());
    shutdown.register('intent expiry sweeper', () => sweeper.stop());
    shutdown.register('complaint escalation', () => complaintClock.stop());
    shutdown.register('settlement file alert', () => fileAlerts.stop());
    shutdown.register('turnaround engine', () => turnaround.stop());
    // One step for the three consumers: each may need seconds to leave its group, and stopped one
    // after another they would not fit in the shutdown timeout.
    const consumers = [billReadModel, channelHealth, channelResults, ...(reconciliation === undefined ? [] : [reconciliation]), ...(complaintChecks === undefined ? [] : [complaintChecks])];
    // What the three consumers dead-letter, stored for the operator and replayed through the group that failed.
    const deadLetters = createDeadLetterLedger({ kafka: infra.kafka, pool: infra.pool, logger, groupId: config.DEAD_LETTER_GROUP_ID, consumers, sessionTimeoutMs: config.KAFKA_SESSION_TIMEOUT });
    shutdown.register('consumers', async () => {
      await Promise.all([...consumers.map((c) => c.stop()), deadLetters.stop()]);
    });

    // /readyz checks what the API needs (Postgres, Redis, Kafka), not the consumers' group membership:
    // taking a payment or an intent needs no consumer, so a load balancer may send API traffic here
    // while they are still joining their groups.
    const app = buildApp({
      logger,
      auth: infra.auth,
      bodyLimit: config.HTTP_BODY_LIMIT_BYTES,
      readiness: infra.readiness,
      registry: infra.registry,
      pool: infra.pool,
      redis: infra.redis,
      config,
      otpForwarder,
      intentTtlMs: config.INTENT_TTL,
      deadLetters,
    });
    // Listening before the consumers start: after a crash, joining a group waits until the dead
    // member's session times out (KAFKA_SESSION_TIMEOUT), and a bank's POST /v1/payments must not be
    // refused for that long.
    const url = await listenHttp(app, { host: config.HTTP_HOST, port: config.HTTP_PORT }, shutdown);
    logger.info({ url }, `${serviceName} listening`);

    // Still awaited: a consumer that cannot start ends the process with its one-line reason. Joined
    // together, so a restart waits for one session timeout, not three in a row.
    await Promise.all([...consumers.map((c) => c.start()), deadLetters.start()]);
    sweeper.start();
    complaintClock.start();
    fileAlerts.start();
    turnaround.start();
  },
});
