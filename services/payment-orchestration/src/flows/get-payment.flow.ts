// Status inquiry: a client sees only its own payments (another's is simply not found: null).
import type { Queryable } from '@gateway/kit';
import { findClientPayment } from '../store/pg-payment-store.ts';
import type { PaymentView } from '../store/pg-payment-store.ts';

export function getPayment(db: Queryable, clientId: string, by: { paymentId: string } | { channelTxnId: string }): Promise<PaymentView | null> {
  return findClientPayment(db, clientId, by);
}
