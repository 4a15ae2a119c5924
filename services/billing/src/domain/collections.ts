// Collections per biller over a range of Damascus days: pure. The store adds up the bills and payments
// per (biller, service, currency) (store/pg-collections-store.ts); this settles the range and lays the
// answer out, each biller with its fee orders by service.
//
// Issued counts bills by their issue date; paid and collected count by the payment's day, so a bill
// issued last month and paid today is collected today. Only payments still standing count (a reversed
// one collected nothing), as in the adoption figures.
import { addDays, businessDateOf, money, startOfBusinessDate } from '@gateway/contracts';
import type { BusinessDate, CollectionsResponse } from '@gateway/contracts';
import { monthRange } from './entity-statement.ts';

/** The days `from` to `to` inclusive, and the instants that bound them (`since` ≤ t < `until`). */
export type CollectionsRange = { from: BusinessDate; to: BusinessDate; since: Date; until: Date };

/** What the store adds up, one row per biller, service (null: not known, as on the telecom's bills) and currency. */
export type CollectionRow = {
  billerId: string;
  serviceCode: string | null;
  currency: string;
  billsIssued: number;
  amountIssued: bigint;
  billsPaid: number;
  amountCollected: bigint;
};

/** The range asked for, or the current month in Asia/Damascus when none is. */
export function collectionsRange(query: { from?: BusinessDate | undefined; to?: BusinessDate | undefined }, now: Date): CollectionsRange {
  let { from, to } = query;
  if (from === undefined || to === undefined) {
    const month = monthRange(businessDateOf(now).slice(0, 7));
    from = month.from;
    to = addDays(month.to, -1);
  }
  return { from, to, since: startOfBusinessDate(from), until: startOfBusinessDate(addDays(to, 1)) };
}

/** The rows grouped by a key, keys in order. */
function groupBy<K extends string | null>(rows: readonly CollectionRow[], key: (r: CollectionRow) => K): [K, CollectionRow[]][] {
  const groups = new Map<K, CollectionRow[]>();
  for (const row of rows) groups.set(key(row), [...(groups.get(key(row)) ?? []), row]);
  return [...groups.entries()].sort(([a], [b]) => (a ?? '').localeCompare(b ?? ''));
}

/** Counts added up; money added up per currency (the rows of one currency are summed first). */
function figures(rows: readonly CollectionRow[]) {
  const perCurrency = groupBy(rows, (r) => r.currency).map(([currency, list]) => ({
    currency,
    amountIssued: list.reduce((s, r) => s + r.amountIssued, 0n),
    amountCollected: list.reduce((s, r) => s + r.amountCollected, 0n),
  }));
  return {
    billsIssued: rows.reduce((s, r) => s + r.billsIssued, 0),
    amountIssued: perCurrency.map((c) => money(c.amountIssued, c.currency)),
    billsPaid: rows.reduce((s, r) => s + r.billsPaid, 0),
    amountCollected: perCurrency.map((c) => money(c.amountCollected, c.currency)),
  };
}

export function buildCollections(range: CollectionsRange, rows: readonly CollectionRow[], now: Date): CollectionsResponse {
  const billers = groupBy(rows, (r) => r.billerId).map(([billerId, list]) => ({
    billerId,
    ...figures(list),
    services: groupBy(list, (r) => r.serviceCode).flatMap(([serviceCode, ofService]) => (serviceCode === null ? [] : [{ serviceCode, ...figures(ofService) }])),
  }));
  return { from: range.from, to: range.to, asOf: now.toISOString(), billers };
}
