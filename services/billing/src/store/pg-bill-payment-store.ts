// Applying payments to bills, the Postgres part: bill_payments (each payment and reversal applied to
// a bill, the key that keeps each to one application) and billing_unapplied_payments (money that
// could not go to a bill, and why). SQL only; what to write when is decided by
// flows/apply-payment.flow.ts and flows/apply-reversal.flow.ts.
import { money } from '@gateway/contracts';
import type { Money } from '@gateway/contracts';
import type { Queryable } from '@gateway/kit';
import type { Unapplied } from '../domain/bill-settlement.ts';

export type UnappliedRow = Unapplied & {
  paymentId: string;
  accountNo: string;
  kind: 'payment' | 'reversal';
  eventId: string;
  occurredAt: string;
  /** Set for a row that is no news: recorded already resolved, nothing for operators. */
  resolved?: { at: Date; resolution: string } | undefined;
};

/** Records money that did not reach a bill; a row recorded already (same key) stays as it is. */
export async function recordUnapplied(db: Queryable, row: UnappliedRow): Promise<void> {
  await db.query(
    `INSERT INTO billing_unapplied_payments (payment_id, bill_id, account_no, kind, reason, amount, currency, event_id, occurred_at, resolved_at, resolution)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT DO NOTHING`,
    [
      row.paymentId,
      row.billId,
      row.accountNo,
      row.kind,
      row.reason,
      row.amount.amount,
      row.amount.currency,
      row.eventId,
      row.occurredAt,
      row.resolved?.at ?? null,
      row.resolved?.resolution ?? null,
    ],
  );
}

/** Resolves the open "reversal without payment" row of this payment and bill, if there is one. */
export async function resolveUnappliedReversal(db: Queryable, paymentId: string, billId: string, at: Date, resolution: string): Promise<void> {
  await db.query(
    `UPDATE billing_unapplied_payments SET resolved_at = $3, resolution = $4
     WHERE payment_id = $1 AND bill_id = $2 AND kind = 'reversal' AND resolved_at IS NULL`,
    [paymentId, billId, at, resolution],
  );
}

/** Resolves what of this payment sat unapplied on this bill as reversed; true when there was any. */
export async function resolveUnappliedPayment(db: Queryable, paymentId: string, billId: string, at: Date, reversalId: string): Promise<boolean> {
  const resolved = await db.query(
    `UPDATE billing_unapplied_payments SET resolved_at = $3, resolution = 'payment reversed: ' || $4
     WHERE payment_id = $1 AND bill_id = $2 AND kind = 'payment' AND resolved_at IS NULL`,
    [paymentId, billId, at, reversalId],
  );
  return (resolved.rowCount ?? 0) > 0;
}

/**
 * The bills among `billIds` whose share of this payment was reversed before the payment itself was
 * applied: the reversal found nothing to undo and was recorded as unapplied. (A reversal of an
 * applied payment sits in bill_payments beside the payment row, whose key already stops a second
 * application; it is matched here too so the rule does not hang on that.)
 */
export async function reversedBeforeApplied(db: Queryable, paymentId: string, billIds: readonly string[]): Promise<Set<string>> {
  if (billIds.length === 0) return new Set();
  const { rows } = await db.query<{ bill_id: string }>(
    `SELECT bill_id FROM billing_unapplied_payments WHERE payment_id = $1 AND bill_id = ANY($2::text[]) AND kind = 'reversal'
     UNION
     SELECT r.bill_id FROM bill_payments r
     WHERE r.payment_id = $1 AND r.bill_id = ANY($2::text[]) AND r.kind = 'reversal'
       AND NOT EXISTS (SELECT 1 FROM bill_payments p WHERE p.payment_id = r.payment_id AND p.bill_id = r.bill_id AND p.kind = 'payment')`,
    [paymentId, billIds],
  );
  return new Set(rows.map((r) => r.bill_id));
}

/** Whether an overdue notice (a cut-off announced) was ever sent for the bill. */
export async function hasOverdueNotice(db: Queryable, billId: string): Promise<boolean> {
  const { rowCount } = await db.query('SELECT 1 FROM bill_overdue_notices WHERE bill_id = $1 LIMIT 1', [billId]);
  return (rowCount ?? 0) > 0;
}

/** The late fees billing applied to the bill after `instant` (a quote's time), in the bill's currency. */
export async function lateFeesAppliedAfter(db: Queryable, billId: string, instant: string, currency: Money['currency']): Promise<Money> {
  const { rows } = await db.query<{ total: string }>(
    `SELECT COALESCE(sum(amount), 0) AS total FROM late_fees WHERE bill_id = $1 AND applied_at > $2 AND currency = $3`,
    [billId, instant, currency],
  );
  return money(Number(rows[0]?.total ?? 0), currency);
}

/** The payments applied to the bill and not reversed, oldest first. */
export async function livePaymentIds(db: Queryable, billId: string): Promise<string[]> {
  const { rows } = await db.query<{ payment_id: string }>(
    `SELECT p.payment_id FROM bill_payments p
     WHERE p.bill_id = $1 AND p.kind = 'payment' AND p.applied_amount > 0
       AND NOT EXISTS (SELECT 1 FROM bill_payments r WHERE r.bill_id = p.bill_id AND r.payment_id = p.payment_id AND r.kind = 'reversal')
     ORDER BY p.occurred_at, p.payment_id`,
    [billId],
  );
  return rows.map((r) => r.payment_id);
}

export type NewBillPayment = {
  paymentId: string;
  billId: string;
  amount: Money;
  applied: Money;
  waivedLateFee: Money;
  appliedWaiver: Money;
  eventId: string;
  occurredAt: string;
  quote?: { quotedAt: string; amountDue: Money } | undefined;
};

/** Records a payment applied to a bill; false when this payment was applied to it already (the key). */
export async function insertBillPayment(db: Queryable, p: NewBillPayment): Promise<boolean> {
  const inserted = await db.query(
    `INSERT INTO bill_payments (payment_id, bill_id, kind, amount, applied_amount, waived_late_fee, applied_waiver, currency, event_id, occurred_at,
       quoted_at, quoted_amount_due)
     VALUES ($1, $2, 'payment', $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT DO NOTHING`,
    [
      p.paymentId,
      p.billId,
      p.amount.amount,
      p.applied.amount,
      p.waivedLateFee.amount,
      p.appliedWaiver.amount,
      p.amount.currency,
      p.eventId,
      p.occurredAt,
      p.quote?.quotedAt ?? null,
      p.quote?.amountDue.amount ?? null,
    ],
  );
  return inserted.rowCount === 1;
}

export type PaymentRow = { amount: number; applied_amount: number; waived_late_fee: number; applied_waiver: number; currency: string };

/** The row of this payment applied to this bill, if it was. */
export async function findBillPayment(db: Queryable, paymentId: string, billId: string): Promise<PaymentRow | undefined> {
  const { rows } = await db.query<PaymentRow>(
    `SELECT amount, applied_amount, waived_late_fee, applied_waiver, currency FROM bill_payments
     WHERE payment_id = $1 AND bill_id = $2 AND kind = 'payment'`,
    [paymentId, billId],
  );
  return rows[0];
}

/** Records a reversal mirroring its payment's row; false when it was recorded already (the key). */
export async function insertBillReversal(
  db: Queryable,
  r: { paymentId: string; billId: string; original: PaymentRow; eventId: string; reversalId: string; occurredAt: string },
): Promise<boolean> {
  const inserted = await db.query(
    `INSERT INTO bill_payments (payment_id, bill_id, kind, amount, applied_amount, waived_late_fee, applied_waiver, currency, event_id, reversal_id, occurred_at)
     VALUES ($1, $2, 'reversal', $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING`,
    [
      r.paymentId,
      r.billId,
      r.original.amount,
      r.original.applied_amount,
      r.original.waived_late_fee,
      r.original.applied_waiver,
      r.original.currency,
      r.eventId,
      r.reversalId,
      r.occurredAt,
    ],
  );
  return inserted.rowCount === 1;
}
