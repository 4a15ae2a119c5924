// What billing did with one payment, for the operators' timeline: the bills it settled (and when),
// a reversal's lines, and anything it could not apply.
import type { PaymentEffects } from '@gateway/contracts';
import type { Queryable } from '@gateway/kit';
import { appliedLines, unappliedLines } from '../store/pg-payment-effects-store.ts';

/** Null when billing has not (yet) seen the payment at all. */
export async function paymentEffects(db: Queryable, paymentId: string): Promise<PaymentEffects | null> {
  const [applied, unapplied] = [await appliedLines(db, paymentId), await unappliedLines(db, paymentId)];
  if (applied.length === 0 && unapplied.length === 0) return null;
  return { paymentId, applied, unapplied };
}
