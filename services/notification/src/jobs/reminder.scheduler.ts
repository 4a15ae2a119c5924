// Runs the queue-reminders flow (flows/queue-reminders.flow.ts) on a timer: every scan, once the local
// reminder time has passed, the day's reminders are queued; scans repeat (every minute by default) so a
// bill imported after the reminder time still gets its reminder that day.
import { createPeriodicTask } from '@gateway/kit';
import type { Logger } from '@gateway/kit';
import type { Pool } from 'pg';
import { queueReminders } from '../flows/queue-reminders.flow.ts';

export type ReminderSchedulerOptions = {
  pool: Pool;
  logger: Logger;
  daysBefore: readonly number[];
  localTime: string;
  intervalMs: number;
  clock?: () => Date;
  onQueued?: () => void;
};

export type ReminderScheduler = { start(): void; stop(): Promise<void>; runOnce(): Promise<number> };

export function createReminderScheduler(options: ReminderSchedulerOptions): ReminderScheduler {
  const log = options.logger.child({ component: 'reminders' });
  const ports = { pool: options.pool, daysBefore: options.daysBefore, localTime: options.localTime, now: options.clock ?? (() => new Date()) };

  async function runOnce(): Promise<number> {
    const queued = await queueReminders(ports);
    if (queued > 0) {
      log.info({ queued }, 'reminders queued');
      options.onQueued?.();
    }
    return queued;
  }

  // The first scan comes at once, so a service started after the reminder time queues that day's
  // reminders without waiting a full interval.
  const task = createPeriodicTask({ name: 'reminder scan', intervalMs: options.intervalMs, initialDelayMs: 0, run: runOnce, logger: log });

  return {
    start: () => task.start(),
    stop: () => task.stop(),
    runOnce,
  };
}
