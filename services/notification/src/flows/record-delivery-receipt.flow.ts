// A delivery receipt from the SMSC: final states are stored and applied to their message (at most
// once: the SMSC resends receipts it thinks we did not get); intermediate ones are not kept.
import type { Pool } from 'pg';
import type { ReceiptState as SmscReceiptState } from '../domain/delivery-receipt.ts';
import type { ReceiptState } from '../store/pg-message-store.ts';
import { recordReceipt } from './sms-outcome-steps.ts';

export type RecordDeliveryReceiptPorts = { pool: Pool; now: () => Date };

export type DeliveryReceiptInput = { smscMessageId: string; state: SmscReceiptState; errorCode: string | null; doneAt: Date | null };

/** What became of the receipt: its final state, `duplicate` (seen before) or `intermediate` (not kept). */
export type DeliveryReceiptOutcome = ReceiptState | 'duplicate' | 'intermediate';

// Final states only: ENROUTE and ACCEPTED are intermediate, and UNKNOWN says nothing yet.
const finalStates: Partial<Record<string, ReceiptState>> = { delivered: 'delivered', failed: 'failed', rejected: 'failed', expired: 'expired' };

export async function recordDeliveryReceipt(ports: RecordDeliveryReceiptPorts, receipt: DeliveryReceiptInput): Promise<DeliveryReceiptOutcome> {
  const state = finalStates[receipt.state];
  if (state === undefined) return 'intermediate';
  const fresh = await recordReceipt(ports.pool, { smscMessageId: receipt.smscMessageId, state, errorCode: receipt.errorCode, doneAt: receipt.doneAt }, ports.now());
  return fresh ? state : 'duplicate';
}
