// The operator's "find a payment": search by any identifier a caller may quote, and the timeline of
// one payment (or of an intent that never became one) as this service saw it.
import type { PaymentSummary, PaymentTimeline } from '@gateway/contracts';
import type { Queryable } from '@gateway/kit';
import { intentSnapshot, paymentRecord, publishedEvents, reconciliationOf, searchPayments } from '../store/pg-payment-search-store.ts';
import type { SearchBy } from '../store/pg-payment-search-store.ts';

export function findPayments(db: Queryable, by: SearchBy, limit: number): Promise<PaymentSummary[]> {
  return searchPayments(db, by, limit);
}

/** `id` is a payment id or an intent id; null when it is neither. */
export async function paymentTimeline(db: Queryable, id: string): Promise<PaymentTimeline | null> {
  const payment = (await paymentRecord(db, { paymentId: id })) ?? (await paymentRecord(db, { intentId: id }));
  const intentId = payment === null ? id : payment.intentId;
  const intent = intentId === null ? null : await intentSnapshot(db, intentId);
  if (payment === null && intent === null) return null;
  return {
    payment,
    intent,
    reconciliation: intent === null ? [] : await reconciliationOf(db, intent.intentId),
    events: await publishedEvents(db, { paymentId: payment?.paymentId ?? null, intentId: intent?.intentId ?? null }),
  };
}

