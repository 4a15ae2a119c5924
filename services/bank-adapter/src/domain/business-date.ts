// Business dates are calendar days in Asia/Damascus (API.md); the daily settlement fetch fires at a
// local wall-clock time there. Offsets are read from the tz database through Intl, never hard-coded:
// Syria's offset is a political fact that has changed before.
export const businessTimeZone = 'Asia/Damascus';

const partsFormat = new Intl.DateTimeFormat('en-US', {
  timeZone: businessTimeZone,
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

function localParts(instant: Date): Record<'year' | 'month' | 'day' | 'hour' | 'minute' | 'second', number> {
  const p: Record<string, string> = {};
  for (const part of partsFormat.formatToParts(instant)) p[part.type] = part.value;
  return { year: Number(p['year']), month: Number(p['month']), day: Number(p['day']), hour: Number(p['hour']), minute: Number(p['minute']), second: Number(p['second']) };
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** The Asia/Damascus calendar date of an instant, as YYYY-MM-DD. */
export function businessDateOf(instant: Date): string {
  const p = localParts(instant);
  return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}`;
}

/** Calendar arithmetic on a YYYY-MM-DD date (a day is a day; no zone involved). */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

function offsetMsAt(instant: Date): number {
  const p = localParts(instant);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(instant.getTime() / 1000) * 1000;
}

/** The instant of local wall time `hhmm` (HH:MM) on `date` in Asia/Damascus. */
export function localTimeToInstant(date: string, hhmm: string): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const [hh, mm] = hhmm.split(':').map(Number) as [number, number];
  const wallClock = Date.UTC(y, m - 1, d, hh, mm);
  // Two rounds settle the offset even when the guess falls on the other side of an offset change.
  let guess = wallClock - offsetMsAt(new Date(wallClock));
  guess = wallClock - offsetMsAt(new Date(guess));
  return new Date(guess);
}

/** The first instant strictly after `now` at which the local clock reads `hhmm`. */
export function nextLocalTime(now: Date, hhmm: string): Date {
  const today = localTimeToInstant(businessDateOf(now), hhmm);
  return today.getTime() > now.getTime() ? today : localTimeToInstant(addDays(businessDateOf(now), 1), hhmm);
}
