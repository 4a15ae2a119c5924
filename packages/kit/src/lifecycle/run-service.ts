// The composition root's last lines, the same in every service:
//
//   await runService({ service: 'billing', logger, shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
//     async start(shutdown) {
//       const pool = createPool(...);             shutdown.register('postgres pool', () => pool.end());
//       const producer = await connectProducer(); shutdown.register('kafka producer', () => producer.disconnect());
//       const app = buildApp(...); await app.listen(...);  shutdown.register('http server', () => app.close());
//     } });
//
// A failure while starting undoes what had started (the steps registered so far) and exits 1 with
// one line; after a successful start the signals are handled by the shutdown.
import type { Logger } from 'pino';
import { createShutdown } from './shutdown.ts';
import type { Shutdown } from './shutdown.ts';
import { startupFailure } from './startup-failure.ts';

export interface RunServiceOptions {
  service: string;
  logger: Logger;
  shutdownTimeoutMs: number;
  start: (shutdown: Shutdown) => Promise<void>;
}

export async function runService(options: RunServiceOptions): Promise<Shutdown> {
  const shutdown = createShutdown({ logger: options.logger, timeoutMs: options.shutdownTimeoutMs });
  // Installed before start so a Ctrl-C during a slow start still closes what is open.
  shutdown.install();
  try {
    await options.start(shutdown);
  } catch (error) {
    await shutdown.run('start-up failed');
    startupFailure(options.logger, error, { service: options.service });
  }
  options.logger.info({ service: options.service }, `${options.service} started`);
  return shutdown;
}
