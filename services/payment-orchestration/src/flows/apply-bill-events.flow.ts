// A batch of bill.* events applied to the payable-bills read model (in the consumer's batch
// transaction), so inquiry and payment never call billing and keep working while it is down
// (docs/design.md). Set-wise: one look-up of the payments they name, one locking read of the bills,
// one upsert, whatever the batch's size; the fold keeps the result what one event at a time gave.
import type { EventOf } from '@gateway/contracts';
import type { Queryable } from '@gateway/kit';
import { foldBillChanges } from '../domain/bill-changes.ts';
import type { BillChange, ExternalClosure } from '../domain/bill-changes.ts';
import { knownPayments, lockBillStates, upsertBills } from '../store/pg-bill-read-model-store.ts';

export type BillEvent = EventOf<'bill.issued' | 'bill.late-fee-applied' | 'bill.overdue' | 'bill.settled' | 'bill.reopened'>;

export function isBillEvent(event: { type: string }): event is BillEvent {
  return (
    event.type === 'bill.issued' ||
    event.type === 'bill.late-fee-applied' ||
    event.type === 'bill.overdue' ||
    event.type === 'bill.settled' ||
    event.type === 'bill.reopened'
  );
}

export type ApplyBillEventsResult = { applied: number; stale: number };

/** `events` in offset order (the order of their partition). */
export async function applyBillEvents(client: Queryable, events: readonly BillEvent[]): Promise<ApplyBillEventsResult> {
  if (events.length === 0) return { applied: 0, stale: 0 };
  const ours = await knownPayments(
    client,
    events.flatMap((e) => (e.type === 'bill.settled' ? e.payload.paymentIds : [])),
  );
  const changes = events.map((event): BillChange => {
    let closure: ExternalClosure = 'keep';
    // Settled by payments that are all ours: our live allocations already say so, and a
    // reversal here must reopen the bill at once. Settled by anything else: closed.
    if (event.type === 'bill.settled') closure = event.payload.paymentIds.every((id) => ours.has(id)) ? 'open' : 'close';
    if (event.type === 'bill.reopened') closure = 'open';
    return { snapshot: event.payload, closure };
  });
  const stored = await lockBillStates(client, [...new Set(events.map((e) => e.payload.billId))]);
  const { rows, stale } = foldBillChanges(stored, changes);
  const applied = await upsertBills(client, rows);
  return { applied, stale };
}
