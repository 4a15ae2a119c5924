// A government fee order (issue 16): the applicant's one-off bill of a fee biller, priced by the fee in
// force on the order's business day, payable until it expires. Its state is not stored: it is read off
// its bill (settled → paid, canceled → cancelled) and the clock (past expiresAt → expired), so no job
// has to flip it and nothing can disagree with the bill that payment orchestration presents.
import { randomBytes } from 'node:crypto';
import { businessDateOf, money } from '@gateway/contracts';
import type { BillStatus, BusinessDate, FeeOrderStatus, Money } from '@gateway/contracts';

// Crockford's base32: no I, L, O or U, so a reference read out at a counter is not misheard.
const crockford = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** `FO-` + 12 random base32 characters (60 bits: collisions are not a practical concern). */
export function newOrderRef(): string {
  const bytes = randomBytes(12);
  let ref = 'FO-';
  for (const byte of bytes) ref += crockford[byte % 32];
  return ref;
}

export type FeeOrderTerms = {
  amount: Money;
  expiresAt: Date;
  /** The bill's period, issue date and due date: the order day, and the day it expires. */
  orderDay: BusinessDate;
  dueDate: BusinessDate;
};

/** What an order made at `now` of `quantity` × `fee` is billed as, valid for `ttlMs`. */
export function feeOrderTerms(fee: Money, quantity: number, now: Date, ttlMs: number): FeeOrderTerms {
  const expiresAt = new Date(now.getTime() + ttlMs);
  return { amount: money(fee.amount * quantity, fee.currency), expiresAt, orderDay: businessDateOf(now), dueDate: businessDateOf(expiresAt) };
}

/** The order's state now: its bill decides paid and cancelled; otherwise the clock decides expired. */
export function feeOrderStatus(billStatus: BillStatus, expiresAt: Date, now: Date): FeeOrderStatus {
  if (billStatus === 'paid') return 'paid';
  if (billStatus === 'canceled') return 'cancelled';
  return now.getTime() >= expiresAt.getTime() ? 'expired' : 'awaiting_payment';
}
