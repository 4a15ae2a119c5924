// Business dates and settlement cut-offs in the scheme's time zone (API.md: Asia/Damascus). A payment
// belongs to the local calendar day it was made on; the channel's day closes at its cut-off (local
// time), after which that day's statement is final and its payments can no longer be reversed.

/** The local calendar date (YYYY-MM-DD) of an instant in `timeZone`. */
export function localDate(instant: Date, timeZone: string): string {
  // en-CA formats as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(instant);
}

function offsetMinutes(instant: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(instant);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? '0');
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return Math.round((asUtc - Math.floor(instant.getTime() / 1000) * 1000) / 60_000);
}

/** The UTC instant of local wall time `hhmm` on `date` in `timeZone` (DST-safe for whole-hour offsets). */
export function localTimeToInstant(date: string, hhmm: string, timeZone: string): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const [hh, mm] = hhmm.split(':').map(Number) as [number, number];
  const guess = Date.UTC(y, m - 1, d, hh, mm);
  // Two rounds settle the offset even when the guess falls on the other side of a DST change.
  let instant = guess - offsetMinutes(new Date(guess), timeZone) * 60_000;
  instant = guess - offsetMinutes(new Date(instant), timeZone) * 60_000;
  return new Date(instant);
}

/** When the channel's statement for `businessDate` closes. */
export function cutOffInstant(businessDate: string, cutOff: string, timeZone: string): Date {
  return localTimeToInstant(businessDate, cutOff, timeZone);
}

/**
 * The business date a payment made at `instant` counts in: its local date, or the next day when it
 * arrives after that day's cut-off (the statement for the day is already closed).
 */
export function businessDateOf(instant: Date, cutOff: string, timeZone: string): string {
  const date = localDate(instant, timeZone);
  if (instant.getTime() < cutOffInstant(date, cutOff, timeZone).getTime()) return date;
  return nextDate(date);
}

export function nextDate(date: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
}
