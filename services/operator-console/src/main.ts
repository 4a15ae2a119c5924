// Composition root: real adapters in, SIGTERM handled. Start-up problems (configuration, the
// operators file, Redis unreachable, no key for the console in CLIENTS_FILE) end the process with one
// line naming them. The console needs no Postgres, so it takes only Redis from what kit's
// startInfrastructure would connect, and Kafka for the overview without waiting for it: the feed
// connects in the background (events/overview.consumer.ts), since operators need the console most
// when something is down.
import { randomUUID } from 'node:crypto';
import { ConfigError, DependencyUnavailableError, configOrExit, createKafka, createLogger, kafkaSaslOf, listenHttp, loadClients, runService } from '@gateway/kit';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { buildApp } from './app.ts';
import { createServiceClient } from './clients/service-client.ts';
import { readConfig } from './config.ts';
import { paymentWindowMinutes, minuteMs } from './domain/overview.ts';
import { createKafkaStats } from './events/kafka-stats.ts';
import { keepOverviewFeed } from './events/overview.consumer.ts';
import { consumedTopics, consumerGroupPrefix, serviceGroupPrefixes } from './events/topics.ts';
import { createOverviewHub } from './flows/overview.flow.ts';
import { serviceName } from './service-name.ts';
import { consoleAuditMaxEntries, createConsoleAuditStore } from './store/redis-console-audit-store.ts';
import { createSessionStore } from './store/redis-session-store.ts';
import { createSignInFailureStore } from './store/redis-signin-failure-store.ts';

const config = configOrExit(serviceName, readConfig);
const logger = createLogger({ service: serviceName, level: config.LOG_LEVEL });

await runService({
  service: serviceName,
  logger,
  shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  async start(shutdown) {
    const clients = await loadClients(config.CLIENTS_FILE);
    const key = clients.find((c) => c.clientId === config.CONSOLE_CLIENT_ID && c.kind === 'operator')?.keys[0];
    if (key === undefined) throw new ConfigError([`CONSOLE_CLIENT_ID: no operator client "${config.CONSOLE_CLIENT_ID}" in ${config.CLIENTS_FILE}`]);

    const registry = new Registry();
    registry.setDefaultLabels({ service: serviceName });

    const redis = new Redis(config.REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 2, connectTimeout: 3_000 });
    // ioredis reconnects by itself; without a listener an outage would crash the process instead.
    redis.on('error', (err: Error) => logger.warn({ err: err.message }, 'redis connection error'));
    shutdown.register('redis', async () => {
      await redis.quit().catch(() => redis.disconnect());
    });
    await redis.connect().catch((cause: unknown) => {
      throw new DependencyUnavailableError('Redis', new URL(config.REDIS_URL).host, cause);
    });

    const client = (baseUrl: string, name: string) => createServiceClient({ baseUrl, name, keyId: key.keyId, secret: key.secret, timeoutMs: config.SERVICE_TIMEOUT_MS });
    const bankAdapter = client(config.BANK_ADAPTER_URL, 'The bank adapter');
    const services = {
      billing: client(config.BILLING_URL, 'Billing'),
      'payment-orchestration': client(config.ORCHESTRATION_URL, 'Payment orchestration'),
      'bank-adapter': bankAdapter,
      notification: client(config.NOTIFICATION_URL, 'Notification'),
    };

    const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: serviceName, logger, sasl: kafkaSaslOf(config) });
    const kafkaStats = createKafkaStats(kafka, serviceGroupPrefixes);
    const overview = createOverviewHub({
      services,
      orchestration: services['payment-orchestration'],
      kafkaStats,
      now: Date.now,
      pollIntervalMs: config.OVERVIEW_POLL_INTERVAL,
      emitIntervalMs: 1_000,
    });
    overview.start();
    // A group of this process's own: every console instance sees every partition (see the consumer).
    const feed = keepOverviewFeed({
      kafka,
      groupId: `${consumerGroupPrefix}overview.${randomUUID()}`,
      topics: consumedTopics,
      windowMs: paymentWindowMinutes * minuteMs,
      now: Date.now,
      retryMs: 5_000,
      onEvent: (event) => overview.add(event),
      onStatus: (connected, error) => overview.setFeed(connected, error),
      logger,
    });
    shutdown.register('overview', async () => {
      overview.stop();
      await feed.stop();
      await kafkaStats.close();
    });
    const app = buildApp({
      logger,
      registry,
      // Redis only: without it nobody can sign in. The bank adapter is not a readiness check: when it is
      // down the console is where operators look, and it answers its screens' calls with 503 itself.
      readiness: [{ name: 'redis', check: () => redis.ping() }],
      operators: config.operators,
      sessions: createSessionStore(redis, { idleMs: config.SESSION_IDLE_TIMEOUT, maxAgeMs: config.SESSION_MAX_AGE }),
      failures: createSignInFailureStore(redis, { windowMs: config.SIGNIN_LOCKOUT }),
      maxFailures: config.SIGNIN_MAX_FAILURES,
      cookieSecure: config.SESSION_COOKIE_SECURE,
      bankAdapter,
      outboxServices: services,
      overview,
      webDistDir: config.WEB_DIST_DIR,
      consoleAudit: createConsoleAuditStore(redis),
      consoleClientId: config.CONSOLE_CLIENT_ID,
      settings: {
        consoleClientId: config.CONSOLE_CLIENT_ID,
        sessionIdleTimeoutMs: config.SESSION_IDLE_TIMEOUT,
        sessionMaxAgeMs: config.SESSION_MAX_AGE,
        sessionCookieSecure: config.SESSION_COOKIE_SECURE,
        signInMaxFailures: config.SIGNIN_MAX_FAILURES,
        signInLockoutMs: config.SIGNIN_LOCKOUT,
        serviceTimeoutMs: config.SERVICE_TIMEOUT_MS,
        consoleAuditMaxEntries,
        serviceUrls: { billing: config.BILLING_URL, 'payment-orchestration': config.ORCHESTRATION_URL, 'bank-adapter': config.BANK_ADAPTER_URL, notification: config.NOTIFICATION_URL },
      },
    });
    const url = await listenHttp(app, { host: config.HTTP_HOST, port: config.HTTP_PORT }, shutdown);
    logger.info({ url, operators: config.operators.length }, `${serviceName} listening`);
  },
});
