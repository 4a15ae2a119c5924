// Graceful shutdown (SIGTERM from the orchestrator, Ctrl-C from `npm start`). Steps run in reverse
// order of registration, because that is the reverse order of start: the HTTP server registered last
// closes first (stops accepting, waits for in-flight requests), then the outbox relay flushes, the
// consumers stop, and only then are the producer, Redis and the Postgres pool disconnected, so
// nothing still running finds its connection gone. A step that fails is logged and the rest still
// run; past the deadline the process exits 1 naming the step it was stuck in.
import closeWithGrace from 'close-with-grace';
import type { Logger } from 'pino';

export type ShutdownStep = () => unknown;

export interface ShutdownResult {
  /** Steps that threw, by name. */
  failed: string[];
  /** The step still running when the deadline passed, if it did. */
  timedOutIn?: string;
}

export interface Shutdown {
  /** Adds a step; steps run last-registered first. */
  register(name: string, step: ShutdownStep): void;
  /** Runs the steps once (later calls get the same promise); never rejects. */
  run(reason: string): Promise<ShutdownResult>;
  /**
   * Runs the steps on SIGTERM/SIGINT (and on an uncaught error), then exits: 0 when every step
   * finished in time, 1 otherwise. A second signal exits 1 at once. Returns the uninstaller.
   */
  install(): () => void;
}

export interface ShutdownOptions {
  logger: Logger;
  /** The whole shutdown's deadline. */
  timeoutMs: number;
}

class ShutdownTimeout extends Error {}

export function createShutdown(options: ShutdownOptions): Shutdown {
  const { logger, timeoutMs } = options;
  const steps: { name: string; step: ShutdownStep }[] = [];
  let running: Promise<ShutdownResult> | undefined;

  async function runSteps(reason: string): Promise<ShutdownResult> {
    const started = Date.now();
    logger.info({ reason, steps: steps.map((s) => s.name).reverse() }, 'shutting down');
    const failed: string[] = [];
    let current: string | undefined;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new ShutdownTimeout()), timeoutMs);
      timer.unref();
    });
    try {
      await Promise.race([
        (async () => {
          for (const { name, step } of [...steps].reverse()) {
            current = name;
            const stepStarted = Date.now();
            try {
              await step();
              logger.info({ step: name, durationMs: Date.now() - stepStarted }, `shutdown: ${name} done`);
            } catch (error) {
              failed.push(name);
              logger.error({ step: name, err: error }, `shutdown: ${name} failed`);
            }
          }
          current = undefined;
        })(),
        deadline,
      ]);
    } catch (error) {
      if (!(error instanceof ShutdownTimeout)) throw error;
      const stuck = current ?? 'unknown step';
      logger.error({ step: stuck, timeoutMs }, `shutdown did not finish within ${timeoutMs} ms (stuck in ${stuck})`);
      return { failed, timedOutIn: stuck };
    } finally {
      clearTimeout(timer);
    }
    logger.info({ durationMs: Date.now() - started, failed }, failed.length === 0 ? 'shutdown complete' : 'shutdown complete with failures');
    return { failed };
  }

  const shutdown: Shutdown = {
    register(name, step) {
      steps.push({ name, step });
    },
    run(reason) {
      running ??= runSteps(reason);
      return running;
    },
    install() {
      const handle = closeWithGrace(
        {
          // Our own deadline reports the stuck step; close-with-grace's is a backstop a little later.
          delay: timeoutMs + 1_000,
          logger: false,
          onSecondSignal: (signal) => logger.error({ signal }, `second ${signal} during shutdown: exiting now`),
          onTimeout: (delay) => logger.error({ delay }, 'shutdown backstop timeout: exiting'),
        },
        async ({ signal, err }) => {
          if (err) logger.fatal({ err }, 'uncaught error: shutting down');
          const result = await shutdown.run(signal ?? (err ? 'uncaught error' : 'exit'));
          logger.flush();
          // close-with-grace exits 1 when this rejects (and when it was an uncaught error), 0 otherwise.
          if (result.timedOutIn !== undefined || result.failed.length > 0) throw new Error('shutdown incomplete');
        },
      );
      return () => handle.uninstall();
    },
  };
  return shutdown;
}
