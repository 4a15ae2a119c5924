// Fires the late-fee run at each local midnight in Asia/Damascus, and once at start so a service that
// was down at midnight catches up the same day (the run is idempotent, so an extra run costs a scan).
// The next midnight is recomputed after every run from the clock, never by adding 24 h, so a drifting
// timer or a long run cannot slide the schedule.
import type { BusinessDate } from '@gateway/contracts';
import type { Logger } from '@gateway/kit';
import { businessDateOf, nextBusinessMidnight } from '@gateway/contracts';

export type LateFeeSchedulerOptions = {
  run: (businessDate: BusinessDate) => Promise<unknown>;
  logger: Logger;
  clock?: () => Date;
  runOnStart?: boolean;
  /** Fires a little after midnight, so a clock a few ms behind still sees the new day. */
  delayAfterMidnightMs?: number;
};

export type LateFeeScheduler = {
  start(): void;
  /** Cancels the next firing and waits for a run in progress to finish. */
  stop(): Promise<void>;
  /** When the next run fires (for logs and tests). */
  nextRunAt(): Date | undefined;
};

export function createLateFeeScheduler(options: LateFeeSchedulerOptions): LateFeeScheduler {
  const clock = options.clock ?? (() => new Date());
  const log = options.logger.child({ component: 'late-fee-scheduler' });
  const margin = options.delayAfterMidnightMs ?? 1_000;
  let timer: NodeJS.Timeout | undefined;
  let next: Date | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;

  function fire(): void {
    if (stopped || running) return;
    const businessDate = businessDateOf(clock());
    running = options
      .run(businessDate)
      .then(
        () => undefined,
        (err: unknown) => log.error({ err, businessDate }, 'late-fee run failed; the next one retries'),
      )
      .finally(() => {
        running = undefined;
        schedule();
      });
  }

  function schedule(): void {
    if (stopped) return;
    const now = clock();
    next = new Date(nextBusinessMidnight(now).getTime() + margin);
    timer = setTimeout(fire, Math.max(0, next.getTime() - now.getTime()));
    log.debug({ nextRunAt: next.toISOString() }, 'next late-fee run scheduled');
  }

  return {
    start() {
      stopped = false;
      if (options.runOnStart ?? true) fire();
      else schedule();
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      timer = undefined;
      await running;
    },
    nextRunAt: () => next,
  };
}
