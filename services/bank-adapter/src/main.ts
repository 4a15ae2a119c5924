// Composition root: real adapters in, SIGTERM handled. Start-up problems (configuration, an
// unreachable dependency) end the process with one line naming them.
import { topics } from '@gateway/contracts';
import { configOrExit, createDeadLetterLedger, createLogger, ensureTopics, listenHttp, runService, startInfrastructure } from '@gateway/kit';
import { buildApp } from './app.ts';
import { createChannelGateway } from './channels/channel-gateway.ts';
import { readConfig } from './config.ts';
import { createChannelCommandsConsumer } from './events/channel-commands.consumer.ts';
import { publishedTopics } from './events/topics.ts';
import { createDebitFlows } from './flows/debit-flows.ts';
import { createRefundFlows } from './flows/refund-flows.ts';
import { startChannelHealthPublisher } from './jobs/channel-health.publisher.ts';
import { createChannelSwitchSync } from './jobs/channel-switch-sync.poller.ts';
import { createRefundInquiryPoller } from './jobs/refund-inquiry.poller.ts';
import { createSettlementFetchScheduler, runSettlementFetch } from './jobs/settlement-fetch.scheduler.ts';
import { createStatusInquiryPoller } from './jobs/status-inquiry.poller.ts';
import { serviceName } from './service-name.ts';
import { createChannelSwitchStore } from './store/redis-channel-switch-store.ts';

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
    // The commands topic may not exist yet if orchestration never started; subscribing to a missing
    // topic fails, so it is created here with the contract's partition count.
    await ensureTopics(infra.kafka, [
      { topic: config.COMMANDS_TOPIC, numPartitions: topics['channels.commands'].partitions },
      { topic: config.RESULTS_TOPIC, numPartitions: topics['channels.results'].partitions },
    ]);

    const gateway = createChannelGateway({ registry: config.channels, logger, metricsRegistry: infra.registry });
    const switches = createChannelSwitchStore(infra.redis);
    const switchSync = createChannelSwitchSync({ store: switches, gateway, logger, intervalMs: config.SWITCH_SYNC_INTERVAL });
    // Before the first command: a channel an operator switched off stays off across a restart.
    await switchSync.sync();
    const health = startChannelHealthPublisher({ pool: infra.pool, gateway, logger, topic: config.RESULTS_TOPIC, intervalMs: config.CHANNEL_HEALTH_INTERVAL });
    const debits = createDebitFlows({ pool: infra.pool, gateway, logger, resultsTopic: config.RESULTS_TOPIC });
    const poller = createStatusInquiryPoller({ pool: infra.pool, debits, gateway, logger, intervalMs: config.STATUS_POLL_INTERVAL, registry: infra.registry });
    const refunds = createRefundFlows({ pool: infra.pool, gateway, logger, resultsTopic: config.RESULTS_TOPIC });
    const refundPoller = createRefundInquiryPoller({ pool: infra.pool, refunds, gateway, logger, intervalMs: config.STATUS_POLL_INTERVAL });
    const commands = createChannelCommandsConsumer({
      kafka: infra.kafka,
      debits,
      refunds,
      logger,
      registry: infra.registry,
      topic: config.COMMANDS_TOPIC,
      groupId: config.COMMANDS_GROUP_ID,
      partitionsConsumedConcurrently: config.COMMANDS_CONCURRENCY,
      consumerOptions: { sessionTimeoutMs: config.KAFKA_SESSION_TIMEOUT },
    });

    // Registered after the infrastructure and before the HTTP server, so on SIGTERM they stop after
    // HTTP stopped taking requests and before the relay and the pool: calls in flight finish and
    // record their answers; the breakers' timers stop last.
    shutdown.register('breakers', () => {
      gateway.shutdown();
    });
    shutdown.register('channel health publisher', () => health.stop());
    shutdown.register('channel switch sync', () => switchSync.stop());
    shutdown.register('status inquiry poller', () => poller.stop());
    shutdown.register('refund inquiry poller', () => refundPoller.stop());
    // What the commands consumer dead-letters, stored for the operator and replayed through it.
    const deadLetters = createDeadLetterLedger({ kafka: infra.kafka, pool: infra.pool, logger, groupId: config.DEAD_LETTER_GROUP_ID, consumers: [commands], sessionTimeoutMs: config.KAFKA_SESSION_TIMEOUT });
    // One step, the two in parallel: each may wait out a fetch in flight before it leaves its group.
    shutdown.register('channel commands consumer and dead-letter ledger', async () => {
      await Promise.all([commands.stop(), deadLetters.stop()]);
    });

    const settlementFetch = config.SETTLEMENT_FETCH_ENABLED
      ? createSettlementFetchScheduler({
          run: (options) => runSettlementFetch({ pool: infra.pool, gateway, logger, resultsTopic: config.RESULTS_TOPIC, registry: infra.registry }, options),
          logger,
          at: config.SETTLEMENT_FETCH_AT,
          catchUpDays: config.SETTLEMENT_FETCH_CATCHUP_DAYS,
          retryIntervalMs: config.SETTLEMENT_FETCH_RETRY_INTERVAL,
        })
      : undefined;
    // Registered after the breakers, so it stops (and its run in flight ends) before them and the pool.
    if (settlementFetch) shutdown.register('settlement fetch scheduler', () => settlementFetch.stop());

    // /readyz checks what the API needs (Postgres, Redis, Kafka), not the consumer's group membership,
    // so a load balancer sends API traffic here while the consumer is still joining its group.
    const app = buildApp({ logger, auth: infra.auth, bodyLimit: config.HTTP_BODY_LIMIT_BYTES, readiness: infra.readiness, registry: infra.registry, pool: infra.pool, gateway, switches, resultsTopic: config.RESULTS_TOPIC, deadLetters });
    // Listening before the consumer starts: after a crash, joining the group waits until the dead
    // member's session times out (KAFKA_SESSION_TIMEOUT), and the API needs no consumer to answer.
    const url = await listenHttp(app, { host: config.HTTP_HOST, port: config.HTTP_PORT }, shutdown);
    logger.info({ url, channels: config.channels.channels.map((c) => c.channelId) }, `${serviceName} listening`);

    // Still awaited: a consumer that cannot start ends the process with its one-line reason.
    await Promise.all([commands.start(), deadLetters.start()]);
    poller.start();
    refundPoller.start();
    switchSync.start();
    settlementFetch?.start();
  },
});
