// Queues the day's reminders: every scan, once the local reminder time has passed, each unpaid bill
// due in one of the configured leads gets a bill_reminder. Scans repeat (every minute by default) so
// a bill imported after the reminder time still gets its reminder that day; the dedupe key keeps it
// to one, and two replicas scanning at once queue it once too.
import { createPeriodicTask } from '@gateway/kit';
import type { Logger } from '@gateway/kit';
import type { Pool } from 'pg';
import { reminderKey, reminderTargets } from '../domain/reminders.ts';
import { isUrgent } from '../domain/quiet-hours.ts';
import type { SmsRequest } from '../domain/sms-plan.ts';
import { renderSms } from '../domain/sms-templates.ts';
import { unpaidBillsDueOn } from '../store/pg-contact-store.ts';
import { enqueueSms } from '../store/pg-message-store.ts';

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
  const clock = options.clock ?? (() => new Date());

  async function runOnce(): Promise<number> {
    let queued = 0;
    for (const target of reminderTargets(clock(), options.daysBefore, options.localTime)) {
      const bills = await unpaidBillsDueOn(options.pool, target.dueDate);
      const requests: SmsRequest[] = bills.flatMap((bill) =>
        bill.msisdn === null
          ? []
          : [
              {
                dedupeKey: reminderKey(bill.billId, target.dueDate, target.daysBefore, bill.msisdn),
                recipient: bill.msisdn,
                template: 'bill_reminder' as const,
                locale: bill.locale,
                accountNo: bill.accountNo,
                sourceEventId: null,
                body: renderSms('bill_reminder', bill.locale, {
                  accountNo: bill.accountNo,
                  amountDue: bill.amountDue,
                  dueDate: bill.dueDate,
                  daysBefore: target.daysBefore,
                }),
                urgent: isUrgent('bill_reminder'),
                notBefore: target.sendAt,
                correlationId: null,
              },
            ],
      );
      queued += await enqueueSms(options.pool, requests);
    }
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
