// Composition root: real adapters in, SIGTERM handled. Start-up problems (configuration, an
// unreachable dependency) end the process with one line naming them.
import { configOrExit, createLogger, listenHttp, runService, startInfrastructure } from '@gateway/kit';
import { buildApp, serviceName } from './app.ts';
import { readConfig } from './config.ts';
import { publishedTopics } from './events/topics.ts';

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
    const app = buildApp({ logger, auth: infra.auth, readiness: infra.readiness, registry: infra.registry });
    const url = await listenHttp(app, { host: config.HTTP_HOST, port: config.HTTP_PORT }, shutdown);
    logger.info({ url }, `${serviceName} listening`);
  },
});
