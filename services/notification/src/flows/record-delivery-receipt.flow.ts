// A delivery receipt from the SMSC: final states are stored and applied to their message (at most
// once: the SMSC resends receipts it thinks we did not get); intermediate ones are not kept.
import type { Pool } from 'pg';
import type { ReceiptState as SmscReceiptState } from '../domain/delivery-receipt.ts';
import type { Receipt, ReceiptState } from '../store/pg-message-store.ts';
import { createGroupCommit } from './group-commit.ts';
import { recordReceipts } from './sms-outcome-steps.ts';

/** `record` stores and applies one receipt; false when it was seen before. */
export type RecordDeliveryReceiptPorts = { record: (receipt: Receipt) => Promise<boolean> };

/**
 * The ports over Postgres. The SMSC sends receipts without waiting for our answers (its deliver_sm
 * window), so at a high rate many wait at once: they are stored together, in one transaction, and
 * each is answered once its batch has committed.
 */
export function receiptPorts(pool: Pool, now: () => Date): RecordDeliveryReceiptPorts {
  return { record: createGroupCommit<Receipt, boolean>({ maxBatch: 500, write: (receipts) => recordReceipts(pool, receipts, now()) }) };
}

export type DeliveryReceiptInput = { smscMessageId: string; state: SmscReceiptState; errorCode: string | null; doneAt: Date | null };

/** What became of the receipt: its final state, `duplicate` (seen before) or `intermediate` (not kept). */
export type DeliveryReceiptOutcome = ReceiptState | 'duplicate' | 'intermediate';

// Final states only: ENROUTE and ACCEPTED are intermediate, and UNKNOWN says nothing yet.
const finalStates: Partial<Record<string, ReceiptState>> = { delivered: 'delivered', failed: 'failed', rejected: 'failed', expired: 'expired' };

export async function recordDeliveryReceipt(ports: RecordDeliveryReceiptPorts, receipt: DeliveryReceiptInput): Promise<DeliveryReceiptOutcome> {
  const state = finalStates[receipt.state];
  if (state === undefined) return 'intermediate';
  const fresh = await ports.record({ smscMessageId: receipt.smscMessageId, state, errorCode: receipt.errorCode, doneAt: receipt.doneAt });
  return fresh ? state : 'duplicate';
}
