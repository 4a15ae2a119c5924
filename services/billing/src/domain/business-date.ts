// Business dates are calendar days in Asia/Damascus (API.md). Every rule that says "after the due
// date" compares these strings, never instants: a fee must not depend on which server clock or
// which minute of the day a run happened to look at the bill.
import type { BusinessDate } from '@gateway/contracts';

export const businessTimeZone = 'Asia/Damascus';

// Syria has used UTC+3 all year since 2022, but that is a political fact that has changed before;
// the tz database (through Intl) tracks it, a hard-coded offset would not.
const dateFormat = new Intl.DateTimeFormat('en-US', {
  timeZone: businessTimeZone,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hourCycle: 'h23',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

type LocalParts = { year: number; month: number; day: number; hour: number; minute: number; second: number };

function localParts(instant: Date): LocalParts {
  const parts: Record<string, string> = {};
  for (const p of dateFormat.formatToParts(instant)) parts[p.type] = p.value;
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

/** The Asia/Damascus calendar date of an instant, as `YYYY-MM-DD`. */
export function businessDateOf(instant: Date | string): BusinessDate {
  const at = typeof instant === 'string' ? new Date(instant) : instant;
  if (Number.isNaN(at.getTime())) throw new RangeError(`invalid instant ${String(instant)}`);
  const p = localParts(at);
  return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}`;
}

function parseDate(date: BusinessDate): { year: number; month: number; day: number } {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) throw new RangeError(`not a business date: ${date}`);
  return { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) };
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
function offsetMsAt(instant: Date): number {
  const p = localParts(instant);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - Math.floor(instant.getTime() / 1000) * 1000;
}

/** The instant at which `date` begins in Asia/Damascus (local 00:00). */
export function startOfBusinessDate(date: BusinessDate): Date {
  const { year, month, day } = parseDate(date);
  const wallClock = Date.UTC(year, month - 1, day);
  // Two rounds settle the offset even if midnight sits next to an offset change.
  let guess = wallClock - offsetMsAt(new Date(wallClock));
  guess = wallClock - offsetMsAt(new Date(guess));
  return new Date(guess);
}

/** The next local midnight strictly after `instant`: when the daily run should fire next. */
export function nextBusinessMidnight(instant: Date): Date {
  return startOfBusinessDate(addDays(businessDateOf(instant), 1));
}
