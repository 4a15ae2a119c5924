// Queues the day's reminders: once the local reminder time has passed, each unpaid bill due in one of
// the configured leads gets a bill_reminder. Run again and again (the scheduler scans every minute by
// default) so a bill imported after the reminder time still gets its reminder that day; the dedupe key
// keeps it to one, and two replicas scanning at once queue it once too.
import type { Pool } from 'pg';
import { isUrgent } from '../domain/quiet-hours.ts';
import { reminderKey, reminderTargets } from '../domain/reminders.ts';
import type { SmsRequest } from '../domain/sms-plan.ts';
import { renderSms } from '../domain/sms-templates.ts';
import { unpaidBillsDueOn } from '../store/pg-contact-store.ts';
import { enqueueSms } from '../store/pg-message-store.ts';

export type QueueRemindersPorts = {
  pool: Pool;
  daysBefore: readonly number[];
  localTime: string;
  now: () => Date;
};

/** Queues the reminders due now that are not queued yet; returns how many were new. */
export async function queueReminders(ports: QueueRemindersPorts): Promise<number> {
  let queued = 0;
  for (const target of reminderTargets(ports.now(), ports.daysBefore, ports.localTime)) {
    const bills = await unpaidBillsDueOn(ports.pool, target.dueDate);
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
    queued += await enqueueSms(ports.pool, requests);
  }
  return queued;
}
