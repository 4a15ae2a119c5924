// Collections per biller over a range of Damascus days: pure. The store adds up the bills and payments
// per (biller, currency) (store/pg-collections-store.ts); this settles the range and lays the answer out.
//
// Issued counts bills by their issue date; paid and collected count by the payment's day, so a bill
// issued last month and paid today is collected today. Only payments still standing count (a reversed
// one collected nothing), as in the adoption figures.
import { addDays, businessDateOf, money, startOfBusinessDate } from '@gateway/contracts';
import type { BusinessDate, CollectionsResponse, Money } from '@gateway/contracts';
import { monthRange } from './entity-statement.ts';

/** The days `from` to `to` inclusive, and the instants that bound them (`since` ≤ t < `until`). */
export type CollectionsRange = { from: BusinessDate; to: BusinessDate; since: Date; until: Date };

/** What the store adds up, one row per biller and currency. */
export type CollectionRow = { billerId: string; currency: string; billsIssued: number; amountIssued: bigint; billsPaid: number; amountCollected: bigint };

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

function moneyList(rows: readonly CollectionRow[], pick: (r: CollectionRow) => bigint): Money[] {
  return rows.map((r) => money(pick(r), r.currency)).sort((a, b) => a.currency.localeCompare(b.currency));
}

export function buildCollections(range: CollectionsRange, rows: readonly CollectionRow[], now: Date): CollectionsResponse {
  const byBiller = new Map<string, CollectionRow[]>();
  for (const row of rows) byBiller.set(row.billerId, [...(byBiller.get(row.billerId) ?? []), row]);
  const billers = [...byBiller.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([billerId, list]) => ({
      billerId,
      billsIssued: list.reduce((s, r) => s + r.billsIssued, 0),
      amountIssued: moneyList(list, (r) => r.amountIssued),
      billsPaid: list.reduce((s, r) => s + r.billsPaid, 0),
      amountCollected: moneyList(list, (r) => r.amountCollected),
    }));
  return { from: range.from, to: range.to, asOf: now.toISOString(), billers };
}
