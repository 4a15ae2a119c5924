// The loop behind the services' background workers (pollers, sweepers, schedulers): run a pass, then
// wait intervalMs after it ends. The wait is counted from the end, not the start, so a slow pass
// (a large backlog, a slow database) is never overlapped by the next one, and the work a pass claims
// is never claimed again by this process while it is still being done.
//
// A failed pass is logged and the next one still comes: the passes are built to be retried (leases,
// cursors, dedupe keys), so a database blip costs one interval, never the loop.
import type { Logger } from '../logger/index.ts';

export type PeriodicTaskOptions = {
  /** Names the task in the line logged when a pass fails. */
  name: string;
  /** The wait between the end of one pass and the start of the next. */
  intervalMs: number;
  /** One pass; its result is ignored, a rejection is logged. */
  run: () => Promise<unknown>;
  logger: Logger;
  /** The wait before the first pass; intervalMs when omitted, 0 to start working at once. */
  initialDelayMs?: number;
};

export type PeriodicTask = {
  /** Schedules the first pass; a second call while started does nothing. */
  start(): void;
  /** Cancels the next pass and waits for the one in progress. */
  stop(): Promise<void>;
};

export function createPeriodicTask(options: PeriodicTaskOptions): PeriodicTask {
  const { name, intervalMs, run, logger } = options;
  const initialDelayMs = options.initialDelayMs ?? intervalMs;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = true;

  function schedule(delayMs: number): void {
    if (stopped) return;
    timer = setTimeout(() => {
      timer = undefined;
      // run() is called inside then() so that one throwing before its first await is a failed pass too.
      running = Promise.resolve()
        .then(() => run())
        .then(
          () => undefined,
          (err: unknown) => logger.error({ err, task: name }, `${name} failed; the next pass retries`),
        )
        .finally(() => {
          running = undefined;
          schedule(intervalMs);
        });
    }, delayMs);
  }

  return {
    start() {
      if (!stopped) return;
      stopped = false;
      // Restarted while the pass stop() is waiting for is still going: that pass schedules the next
      // one when it ends, so a timer here would let two passes overlap.
      if (running === undefined) schedule(initialDelayMs);
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      timer = undefined;
      await running;
    },
  };
}
