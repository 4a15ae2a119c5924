// Composition root: real adapters in, SIGTERM handled. Start-up problems (configuration, an
// unreachable dependency) end the process with one line naming them. An unreachable SMSC is not one
// of them: events are still consumed and SMS queued while the client keeps trying to bind, and the
// queue drains once it does.
import { topics } from '@gateway/contracts';
import { configOrExit, createDeadLetterLedger, createLogger, ensureTopics, listenHttp, runService, startInfrastructure } from '@gateway/kit';
import { buildApp } from './app.ts';
import { readConfig } from './config.ts';
import { createNotificationConsumer } from './events/notification.consumer.ts';
import { publishedTopics } from './events/topics.ts';
import { createCampaignRunner } from './jobs/campaign.runner.ts';
import { createReminderScheduler } from './jobs/reminder.scheduler.ts';
import { createSmsDispatcher } from './jobs/sms-dispatch.runner.ts';
import { serviceName } from './service-name.ts';
import { createSmscClient } from './smpp/smsc-client.ts';
import { createSmscInboundHandler } from './smpp/smsc-inbound.ts';

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
    const { pool, registry } = infra;
    // The wake-up is late-bound: the consumer and the inbound handler are built before the dispatcher.
    const wake = () => dispatcher.wake();

    const smsc = createSmscClient({
      host: config.SMSC_HOST,
      port: config.SMSC_PORT,
      systemId: config.SMSC_SYSTEM_ID,
      password: config.SMSC_PASSWORD,
      window: config.SMPP_WINDOW,
      ratePerSecond: config.SMPP_RATE_PER_SECOND,
      enquireLinkMs: config.SMPP_ENQUIRE_LINK_MS,
      responseTimeoutMs: config.SMPP_RESPONSE_TIMEOUT_MS,
      reconnect: { initialMs: config.SMPP_RECONNECT_INITIAL_MS, maxMs: config.SMPP_RECONNECT_MAX_MS },
      logger,
      registry,
      onDeliverSm: createSmscInboundHandler({ pool, logger, registry, onQueued: wake }),
    });
    const dispatcher = createSmsDispatcher({
      pool,
      smsc,
      logger,
      registry,
      sender: config.SMS_SENDER,
      quietHours: config.quietHours,
      concurrency: config.SMPP_WINDOW * 2,
      pollMs: config.DISPATCH_POLL_MS,
      leaseMs: config.DISPATCH_LEASE_MS,
      maxAttempts: config.DISPATCH_MAX_ATTEMPTS,
    });
    // Registered in this order so that SIGTERM stops taking new work first, lets the dispatcher
    // finish the parts in flight, and only then unbinds.
    shutdown.register('smpp client', () => smsc.stop());
    smsc.start();
    shutdown.register('sms dispatcher', () => dispatcher.stop());
    dispatcher.start();

    // The consumed topics may not exist yet if their producers never started; subscribing to a
    // missing topic fails, so they are created with the contract's partitions.
    await ensureTopics(infra.kafka, [
      { topic: config.BILLS_TOPIC, numPartitions: topics['billing.bills'].partitions },
      { topic: config.PAYMENTS_TOPIC, numPartitions: topics['payments.payments'].partitions },
      { topic: config.INTENTS_TOPIC, numPartitions: topics['payments.intents'].partitions },
      { topic: config.COMPLAINTS_TOPIC, numPartitions: topics['payments.complaints'].partitions },
    ]);
    const consumer = createNotificationConsumer({
      kafka: infra.kafka,
      pool,
      logger,
      registry,
      channelNames: config.channelNames,
      billerNames: config.billerNames,
      maxEventAgeMs: config.SMS_MAX_EVENT_AGE_MS,
      topics: [config.BILLS_TOPIC, config.PAYMENTS_TOPIC, config.INTENTS_TOPIC, config.COMPLAINTS_TOPIC],
      groupId: config.CONSUMER_GROUP_ID,
      onQueued: wake,
      consumerOptions: { partitionsConsumedConcurrently: config.KAFKA_CONSUMER_CONCURRENCY, sessionTimeoutMs: config.KAFKA_SESSION_TIMEOUT },
    });
    // Registered before the HTTP server, so on SIGTERM it stops after HTTP stopped taking requests.
    // What the event consumer dead-letters, stored for the operator and replayed through it.
    const deadLetters = createDeadLetterLedger({ kafka: infra.kafka, pool, logger, groupId: config.DEAD_LETTER_GROUP_ID, consumers: [consumer], sessionTimeoutMs: config.KAFKA_SESSION_TIMEOUT });
    // One step, the two in parallel: each may wait out a fetch in flight before it leaves its group.
    shutdown.register('event consumer and dead-letter ledger', async () => {
      await Promise.all([consumer.stop(), deadLetters.stop()]);
    });

    const campaigns = createCampaignRunner({ pool, logger, batchSize: config.CAMPAIGN_BATCH_SIZE, pollMs: config.CAMPAIGN_POLL_MS });
    shutdown.register('campaign runner', () => campaigns.stop());

    const reminders = config.REMINDERS_ENABLED
      ? createReminderScheduler({
          pool,
          logger,
          daysBefore: config.reminderLeads,
          localTime: config.REMINDER_LOCAL_TIME,
          intervalMs: config.REMINDER_SCAN_INTERVAL_MS,
          onQueued: wake,
        })
      : undefined;
    if (reminders) shutdown.register('reminder scheduler', () => reminders.stop());

    // /readyz checks what the API needs (Postgres, Redis, Kafka), not the consumer's group membership,
    // so a load balancer sends API traffic here while the consumer is still joining its group.
    const app = buildApp({ logger, auth: infra.auth, bodyLimit: config.HTTP_BODY_LIMIT_BYTES, readiness: infra.readiness, registry, pool, deadLetters });
    // Listening before the consumer starts: after a crash, joining the group waits until the dead
    // member's session times out (KAFKA_SESSION_TIMEOUT), and the API needs no consumer to answer.
    const url = await listenHttp(app, { host: config.HTTP_HOST, port: config.HTTP_PORT }, shutdown);
    logger.info({ url, smsc: `${config.SMSC_HOST}:${config.SMSC_PORT}` }, `${serviceName} listening`);

    // Still awaited: a consumer that cannot start ends the process with its one-line reason.
    await Promise.all([consumer.start(), deadLetters.start()]);
    campaigns.start();
    reminders?.start();
  },
});
