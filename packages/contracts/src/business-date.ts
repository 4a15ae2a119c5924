// Business dates are calendar days in Asia/Damascus (docs/api.md), and every service reasons about them:
// billing's due dates and late-fee steps, orchestration's settlement days, the adapter's daily
// statement fetch. One implementation, next to the schema that defines the format, so that a date
// means the same thing in all of them. Offsets come from the tz database through Intl, never a
// constant: Syria has used UTC+3 all year since 2022, but that is a political fact that has changed.
import type { BusinessDate } from './primitives.ts';

export const businessTimeZone = 'Asia/Damascus';

type LocalParts = { year: number; month: number; day: number; hour: number; minute: number; second: number };

const formats = new Map<string, Intl.DateTimeFormat>();

function localParts(instant: Date, timeZone: string): LocalParts {
  let format = formats.get(timeZone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formats.set(timeZone, format);
  }
  const parts: Record<string, string> = {};
  for (const p of format.formatToParts(instant)) parts[p.type] = p.value;
  return {
    year: Number(parts['year']),
    month: Number(parts['month']),
    day: Number(parts['day']),
    hour: Number(parts['hour']),
    minute: Number(parts['minute']),
    second: Number(parts['second']),
  };
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

function parseDate(date: BusinessDate): { year: number; month: number; day: number } {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) throw new RangeError(`not a business date: ${date}`);
  return { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) };
}

/** The calendar date (YYYY-MM-DD) of an instant in `timeZone` (the business zone by default). */
export function businessDateOf(instant: Date | string, timeZone = businessTimeZone): BusinessDate {
  const at = typeof instant === 'string' ? new Date(instant) : instant;
  if (Number.isNaN(at.getTime())) throw new RangeError(`invalid instant ${String(instant)}`);
  const p = localParts(at, timeZone);
  return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}`;
}

/** Calendar arithmetic on a date (no time zone involved: a day is a day). */
export function addDays(date: BusinessDate, days: number): BusinessDate {
  const { year, month, day } = parseDate(date);
  const shifted = new Date(Date.UTC(year, month - 1, day + days));
  return `${pad(shifted.getUTCFullYear(), 4)}-${pad(shifted.getUTCMonth() + 1)}-${pad(shifted.getUTCDate())}`;
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: BusinessDate, to: BusinessDate): number {
  const a = parseDate(from);
  const b = parseDate(to);
  return Math.round((Date.UTC(b.year, b.month - 1, b.day) - Date.UTC(a.year, a.month - 1, a.day)) / 86_400_000);
}

// The zone's offset from UTC at an instant, in ms, read back from Intl rather than assumed.
function offsetMsAt(instant: Date, timeZone: string): number {
  const p = localParts(instant, timeZone);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(instant.getTime() / 1000) * 1000;
}

/** The instant at which the local wall clock in `timeZone` reads `hhmm` (HH:MM) on `date`. */
export function localTimeToInstant(date: BusinessDate, hhmm: string, timeZone = businessTimeZone): Date {
  const { year, month, day } = parseDate(date);
  const [hh, mm] = hhmm.split(':').map(Number) as [number, number];
  const wallClock = Date.UTC(year, month - 1, day, hh, mm);
  // Two rounds settle the offset even when the guess falls on the other side of an offset change.
  let guess = wallClock - offsetMsAt(new Date(wallClock), timeZone);
  guess = wallClock - offsetMsAt(new Date(guess), timeZone);
  return new Date(guess);
}

/** The instant at which `date` begins in the business zone (local 00:00). */
export function startOfBusinessDate(date: BusinessDate): Date {
  return localTimeToInstant(date, '00:00');
}

/** The first instant strictly after `now` at which the business zone's clock reads `hhmm`. */
export function nextLocalTime(now: Date, hhmm: string): Date {
  const today = businessDateOf(now);
  const candidate = localTimeToInstant(today, hhmm);
  return candidate.getTime() > now.getTime() ? candidate : localTimeToInstant(addDays(today, 1), hhmm);
}

/** The next local midnight strictly after `instant`: when a daily run should fire next. */
export function nextBusinessMidnight(instant: Date): Date {
  return startOfBusinessDate(addDays(businessDateOf(instant), 1));
}

/**
 * The settlement day an instant counts in for a channel whose day closes at `cutOff` (local HH:MM):
 * its local date, or the next day from the cut-off on. Banks date their statement this way, and the
 * gateway dates its payments the same way, so both sides of a reconciliation name the same day.
 */
export function settlementDateOf(instant: Date | string, cutOff: string, timeZone = businessTimeZone): BusinessDate {
  const at = typeof instant === 'string' ? new Date(instant) : instant;
  const date = businessDateOf(at, timeZone);
  return at.getTime() < localTimeToInstant(date, cutOff, timeZone).getTime() ? date : addDays(date, 1);
}
