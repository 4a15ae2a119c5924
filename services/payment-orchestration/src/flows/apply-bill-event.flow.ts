// A bill.* event applied to the payable-bills read model (in the consumer's inbox transaction), so
// inquiry and payment never call billing and keep working while it is down (docs/design.md).
import type { EventOf } from '@gateway/contracts';
import type { Queryable } from '@gateway/kit';
import { allPaymentsKnown, applyBillSnapshot } from '../store/pg-bill-read-model-store.ts';
import type { ApplySnapshotResult, ExternalClosure } from '../store/pg-bill-read-model-store.ts';

export type BillEvent = EventOf<'bill.issued' | 'bill.late-fee-applied' | 'bill.overdue' | 'bill.settled' | 'bill.reopened'>;

export async function applyBillEvent(client: Queryable, event: BillEvent): Promise<ApplySnapshotResult> {
  let closure: ExternalClosure = 'keep';
  // Settled by payments that are all ours: our live allocations already say so, and a
  // reversal here must reopen the bill at once. Settled by anything else: closed.
  if (event.type === 'bill.settled') closure = (await allPaymentsKnown(client, event.payload.paymentIds)) ? 'open' : 'close';
  if (event.type === 'bill.reopened') closure = 'open';
  return applyBillSnapshot(client, event.payload, closure);
}
