// Settlement days and cut-offs in the scheme's time zone (docs/api.md: Asia/Damascus). A payment belongs to
// the local calendar day it was made on; the channel's day closes at its cut-off (local time), after
// which that day's statement is final and its payments can no longer be reversed. The calendar itself
// (local dates, wall-clock instants) is the contracts' business-date module.
import { businessDateOf as calendarDateOf, localTimeToInstant, settlementDateOf } from '@gateway/contracts';

/** The local calendar date (YYYY-MM-DD) of an instant in `timeZone`. */
export function localDate(instant: Date, timeZone: string): string {
  return calendarDateOf(instant, timeZone);
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
  const second = Math.floor(instant.getTime() / 1000);
  const key = `${second} ${cutOff} ${timeZone}`;
  if (lastBusinessDate?.key === key) return lastBusinessDate.date;
  // The contracts' rule, the one the channels' settlement files follow too.
  const businessDate = settlementDateOf(instant, cutOff, timeZone);
  lastBusinessDate = { key, date: businessDate };
  return businessDate;
}

// Every payment asks, and the answer takes three time-zone conversions (Intl, some 20 µs each): the
// last answer is kept for its second. Exact: cut-offs are whole minutes and zone offsets change on
// whole seconds, so no boundary falls inside a second.
let lastBusinessDate: { key: string; date: string } | undefined;
