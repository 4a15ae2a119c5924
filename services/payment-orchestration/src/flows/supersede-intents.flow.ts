// A channel's own payment (POST /v1/payments) settles bills that a portal intent holds. The channel's
// customer is already debited, so the payment is taken; what must not happen is the intent debiting
// the payer a second time for the same bill. So, in the payment's own transaction:
//   - an intent still waiting for the payer's OTP is canceled: we never forward the OTP, so the
//     channel's pending debit lapses and nothing moves;
//   - an intent whose channel.debit-requested has not left the outbox is canceled, and that command is
//     deleted with it, so the adapter never sees a debit for a canceled intent. The DELETE runs under
//     the relay's row lock: a relay publishing the row right now makes it wait, and then finds it
//     published (not deleted), so "unsent" is only ever decided on a row nobody is sending;
//   - any other intent (its debit may be at the channel) is left to its outcome: a failure ends it, and
//     a success is refused by the allocation guard and given back automatically (payment-refused →
//     channel.refund-requested). The same covers a relay that crashed after Kafka took the row but
//     before it was marked published: the adapter debits, reports it, and the debit is refunded.
// A step of record-payment.flow.ts, not a use case of its own.
import type { PoolClient } from 'pg';
import type { PayableBill } from '../domain/allocation.ts';
import { decideIntent } from '../domain/intent-state.ts';
import { deleteUnsentDebitCommand, lockHoldersOf } from '../store/pg-intent-store.ts';
import { applyIntentChange } from './intent-change.ts';

export type SupersedeInput = {
  /** The account's bills as the payment found them (before its allocations), locked by it. */
  bills: readonly PayableBill[];
  /** Which of them an intent held when they were locked (no hold can be taken while they are). */
  heldBillIds: ReadonlySet<string>;
  allocations: readonly { billId: string; amount: number; waived: number }[];
  paymentId: string;
  /** The intent whose own payment this is, if any: it is not superseded by itself. */
  intentId: string | null;
  correlationId: string;
  causationId: string | null;
  now: Date;
};

/** Bills this payment leaves with nothing more to pay, that an intent holds. */
function settledHeldBillIds(input: SupersedeInput): string[] {
  return input.allocations
    .filter((a) => {
      if (!input.heldBillIds.has(a.billId)) return false;
      const bill = input.bills.find((b) => b.billId === a.billId);
      return bill !== undefined && bill.allocated + a.amount + a.waived >= bill.amount + bill.lateFee;
    })
    .map((a) => a.billId);
}

/**
 * Cancels the intents that held the bills this payment settled where no debit can follow (see the
 * file comment). Runs inside the payment's transaction, after its allocations; returns the ids of
 * the intents it canceled.
 */
export async function supersedeIntentsOnPaidBills(client: PoolClient, input: SupersedeInput): Promise<string[]> {
  // No held bill among them (most payments): lockHoldersOf answers without asking Postgres.
  const holders = await lockHoldersOf(client, settledHeldBillIds(input), input.intentId);
  const canceled: string[] = [];
  for (const intent of holders) {
    // Only a `processing` intent can still have its command in the outbox; never delete otherwise.
    const sent = intent.status === 'processing' ? !(await deleteUnsentDebitCommand(client, intent.intentId)) : true;
    const decision = decideIntent(intent, { type: 'superseded', debitSent: sent });
    if (decision.kind !== 'change') continue;
    await applyIntentChange(client, intent, decision, {
      now: input.now,
      correlationId: input.correlationId,
      causationId: input.causationId,
      reason: `The bill was paid by another payment (${input.paymentId}); this intent will not debit the payer.`,
    });
    canceled.push(intent.intentId);
  }
  return canceled;
}
