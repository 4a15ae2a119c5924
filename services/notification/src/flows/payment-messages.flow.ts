// The SMS of one payment, for the operators' timeline: the receipt (by payment id), the reversal's
// (by reversal id) and the intent's "unknown" and "refunded" messages (by intent id); and those of one
// complaint (filed, resolved, rejected: by complaint id), for the complaints screen.
import type { Queryable } from '@gateway/kit';
import { dedupeKeyPrefix } from '../domain/sms-plan.ts';
import { messagesByKeyPrefix } from '../store/pg-payment-message-store.ts';
import type { PaymentMessage } from '../store/pg-payment-message-store.ts';

export type PaymentRefs = { paymentId?: string | undefined; reversalId?: string | undefined; intentId?: string | undefined; complaintId?: string | undefined };

export function paymentMessages(db: Queryable, refs: PaymentRefs): Promise<PaymentMessage[]> {
  const prefixes: string[] = [];
  if (refs.paymentId !== undefined) prefixes.push(dedupeKeyPrefix('payment_receipt', refs.paymentId));
  if (refs.reversalId !== undefined) prefixes.push(dedupeKeyPrefix('payment_reversed', refs.reversalId));
  if (refs.intentId !== undefined) prefixes.push(dedupeKeyPrefix('intent_unknown', refs.intentId), dedupeKeyPrefix('intent_refunded', refs.intentId));
  if (refs.complaintId !== undefined) {
    const id = refs.complaintId;
    prefixes.push(dedupeKeyPrefix('complaint_logged', id), dedupeKeyPrefix('complaint_resolved', id), dedupeKeyPrefix('complaint_rejected', id));
  }
  return messagesByKeyPrefix(db, prefixes, 50);
}
