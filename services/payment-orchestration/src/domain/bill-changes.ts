// The bill.* events of one batch folded into the payable-bills rows they leave, exactly as applying
// them one at a time would: in offset order, each only if its revision is newer than the bill's (so a
// redelivered or reordered snapshot never rolls a bill back). The store can then write the whole batch
// in one statement, one row per bill (a multi-row upsert cannot touch one row twice anyway).
import type { BillSnapshot } from '@gateway/contracts';

/**
 * How an event changes whether a bill is closed by something other than our own allocations:
 * `settled` with a payment we do not know closes it (paid at a counter, say); `reopened` opens it;
 * anything else leaves that as it was.
 */
export type ExternalClosure = 'close' | 'open' | 'keep';

export type BillChange = { snapshot: BillSnapshot; closure: ExternalClosure };

/** What the read model holds of a bill before the batch, as far as the fold needs it. */
export type StoredBillState = { revision: number; closedExternally: boolean };

export type BillRow = { snapshot: BillSnapshot; closedExternally: boolean };

export type FoldedBillChanges = {
  /** One row per bill that any change of the batch moved forward, in bill_id order (the lock order). */
  rows: BillRow[];
  /** Changes ignored as no newer than what the bill already had. */
  stale: number;
};

/** `changes` in offset order; `stored` has the bills the read model already holds. */
export function foldBillChanges(stored: ReadonlyMap<string, StoredBillState>, changes: readonly BillChange[]): FoldedBillChanges {
  const latest = new Map<string, BillRow>();
  let stale = 0;
  for (const { snapshot, closure } of changes) {
    const before = latest.get(snapshot.billId);
    const revision = before?.snapshot.revision ?? stored.get(snapshot.billId)?.revision;
    if (revision !== undefined && snapshot.revision <= revision) {
      stale++;
      continue;
    }
    const wasClosed = before?.closedExternally ?? stored.get(snapshot.billId)?.closedExternally ?? false;
    latest.set(snapshot.billId, { snapshot, closedExternally: closure === 'keep' ? wasClosed : closure === 'close' });
  }
  const rows = [...latest.values()].sort((a, b) => (a.snapshot.billId < b.snapshot.billId ? -1 : a.snapshot.billId > b.snapshot.billId ? 1 : 0));
  return { rows, stale };
}
