// Quiet hours: no reminder, notice or campaign reaches a handset between, say, 22:00 and 08:00 in
// the business zone; such a message waits for the morning. Receipts and "being confirmed" warnings
// are urgent and ignore quiet hours: the subscriber just paid and is waiting for them.
import { businessDateOf, localTimeToInstant, nextLocalTime } from '@gateway/contracts';
import type { SmsTemplate } from '@gateway/contracts';

export type QuietHours = { start: string; end: string };

const hhmm = /^([01]\d|2[0-3]):[0-5]\d$/;

/** "22:00-08:00" → { start, end }; "off" or "" → null (no quiet hours). */
export function parseQuietHours(text: string): QuietHours | null {
  const trimmed = text.trim();
  if (trimmed === '' || trimmed === 'off') return null;
  const [start, end, ...rest] = trimmed.split('-').map((s) => s.trim());
  if (start === undefined || end === undefined || rest.length > 0 || !hhmm.test(start) || !hhmm.test(end) || start === end) {
    throw new RangeError(`quiet hours must read HH:MM-HH:MM with two different times, or "off"; got "${text}"`);
  }
  return { start, end };
}

/**
 * Templates that are sent at once whatever the hour. A complaint's SMS answers the customer's own
 * request (filed, resolved, rejected), like a receipt: the customer is waiting for it.
 */
export const urgentTemplates: ReadonlySet<SmsTemplate> = new Set([
  'payment_receipt',
  'payment_reversed',
  'intent_unknown',
  'intent_refunded',
  'bill_settled',
  'opt_out_confirmation',
  'complaint_logged',
  'complaint_resolved',
  'complaint_rejected',
]);

export function isUrgent(template: SmsTemplate): boolean {
  return urgentTemplates.has(template);
}

/**
 * When a non-urgent message may go out if it is due at `now`: `now` itself outside quiet hours, else
 * the end of the quiet period `now` falls in. Computed on the business zone's wall clock, so a DST
 * change (should the zone have one again) moves the hours with it.
 */
export function sendableAt(now: Date, quiet: QuietHours | null): Date {
  if (quiet === null) return now;
  const today = businessDateOf(now);
  const start = localTimeToInstant(today, quiet.start).getTime();
  const end = localTimeToInstant(today, quiet.end).getTime();
  const t = now.getTime();
  // A window that wraps midnight (22:00-08:00) is quiet after its start or before its end.
  const quietNow = quiet.start < quiet.end ? t >= start && t < end : t >= start || t < end;
  return quietNow ? nextLocalTime(now, quiet.end) : now;
}
