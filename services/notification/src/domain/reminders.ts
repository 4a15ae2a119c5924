// Reminders: an unpaid bill gets one SMS N days before its due date (N from configuration, several
// leads allowed), at a fixed local time in the business zone. The scheduler asks this which due
// dates are ripe now; a reminder whose moment passed while the service was down still goes out the
// same day (the dedupe key keeps it to one), but never a day late: a "due in 3 days" text sent two
// days after would be wrong.
import { addDays, businessDateOf, localTimeToInstant } from '@gateway/contracts';
import type { BusinessDate } from '@gateway/contracts';

export type ReminderTarget = { dueDate: BusinessDate; daysBefore: number; sendAt: Date };

export function reminderTargets(now: Date, daysBefore: readonly number[], localTime: string): ReminderTarget[] {
  const today = businessDateOf(now);
  const sendAt = localTimeToInstant(today, localTime);
  if (now.getTime() < sendAt.getTime()) return [];
  return [...new Set(daysBefore)].map((days) => ({ dueDate: addDays(today, days), daysBefore: days, sendAt }));
}

/** The reminder's dedupe key: one per bill, due date, lead and recipient, however often the scan runs. */
export function reminderKey(billId: string, dueDate: BusinessDate, daysBefore: number, recipient: string): string {
  return `bill_reminder:${billId}:${dueDate}:${daysBefore}:${recipient}`;
}
