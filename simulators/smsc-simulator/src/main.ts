// Composition root: the SMPP server (docs/api.md: :2775) and its HTTP side (:4010) in one process.
// SIGTERM closes HTTP first, then every SMPP session, and exits 0.
import { configOrExit, createLogger, listenHttp, runService } from '@gateway/kit';
import { buildSmscApp, serviceName } from './app.ts';
import { readConfig } from './config.ts';
import { createSmscServer } from './smpp/smsc-server.ts';
import { createSmscState } from './store/smsc-state.ts';

const SHUTDOWN_TIMEOUT_MS = 10_000;

const config = configOrExit(serviceName, readConfig);
const logger = createLogger({ service: serviceName, level: config.LOG_LEVEL });

await runService({
  service: serviceName,
  logger,
  shutdownTimeoutMs: SHUTDOWN_TIMEOUT_MS,
  async start(shutdown) {
    const state = createSmscState({ receiptDelayMs: config.DELIVERY_DELAY_MS });
    const smsc = createSmscServer(state, { systemId: config.SMSC_SYSTEM_ID, password: config.SMSC_PASSWORD, logger: logger.child({ component: 'smpp' }) });
    shutdown.register('smpp server', () => smsc.close());
    const smpp = await smsc.listen(config.SIMULATOR_HOST, config.SMPP_PORT);
    logger.info({ host: smpp.address, port: smpp.port }, 'SMPP listening');
    const url = await listenHttp(buildSmscApp(state, smsc, { logger }), { host: config.SIMULATOR_HOST, port: config.HTTP_PORT }, shutdown);
    logger.info({ url }, 'HTTP listening');
  },
});
