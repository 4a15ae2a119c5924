// What billing did with one payment (and its reversal): each bill it was applied to with the amount
// that counted, the bill's state after it (from bill_history, where the change names the payment or
// reversal), and what could not be applied. SQL only.
import { money } from '@gateway/contracts';
import type { AppliedLine, UnappliedLine } from '@gateway/contracts';
import type { Queryable } from '@gateway/kit';

export async function appliedLines(db: Queryable, paymentId: string): Promise<AppliedLine[]> {
  const { rows } = await db.query<{
    kind: 'payment' | 'reversal';
    bill_id: string;
    external_bill_id: string;
    account_no: string;
    amount: string;
    applied_amount: string;
    applied_waiver: string;
    currency: string;
    reversal_id: string | null;
    occurred_at: Date;
    recorded_at: Date;
    revision: number | null;
    status: string | null;
    paid_amount: string | null;
    late_fee: string | null;
    changed_at: Date | null;
  }>(
    `SELECT bp.kind, bp.bill_id, b.external_bill_id, b.account_no, bp.amount, bp.applied_amount, bp.applied_waiver, bp.currency, bp.reversal_id,
            bp.occurred_at, bp.recorded_at, h.revision, h.status, h.paid_amount, h.late_fee, h.occurred_at AS changed_at
       FROM bill_payments bp
       JOIN bills b ON b.bill_id = bp.bill_id
       LEFT JOIN bill_history h ON h.bill_id = bp.bill_id AND h.cause = bp.kind
                               AND h.cause_id = CASE WHEN bp.kind = 'payment' THEN bp.payment_id ELSE bp.reversal_id END
      WHERE bp.payment_id = $1
      ORDER BY bp.recorded_at, bp.kind, bp.bill_id`,
    [paymentId],
  );
  return rows.map((r) => ({
    kind: r.kind,
    billId: r.bill_id,
    externalBillId: r.external_bill_id,
    accountNo: r.account_no,
    amount: money(BigInt(r.amount), r.currency),
    appliedAmount: money(BigInt(r.applied_amount), r.currency),
    waivedLateFee: money(BigInt(r.applied_waiver), r.currency),
    reversalId: r.reversal_id,
    occurredAt: r.occurred_at.toISOString(),
    recordedAt: r.recorded_at.toISOString(),
    after:
      r.revision === null || r.status === null || r.changed_at === null
        ? null
        : {
            revision: r.revision,
            status: r.status,
            paidAmount: money(BigInt(r.paid_amount ?? 0), r.currency),
            lateFee: money(BigInt(r.late_fee ?? 0), r.currency),
            at: r.changed_at.toISOString(),
          },
  }));
}

export async function unappliedLines(db: Queryable, paymentId: string): Promise<UnappliedLine[]> {
  const { rows } = await db.query<{
    kind: 'payment' | 'reversal';
    bill_id: string;
    account_no: string;
    reason: string;
    amount: string;
    currency: string;
    recorded_at: Date;
    resolved_at: Date | null;
    resolution: string | null;
  }>(
    `SELECT kind, bill_id, account_no, reason, amount, currency, recorded_at, resolved_at, resolution
       FROM billing_unapplied_payments WHERE payment_id = $1 ORDER BY recorded_at, id`,
    [paymentId],
  );
  return rows.map((r) => ({
    kind: r.kind,
    billId: r.bill_id,
    accountNo: r.account_no,
    reason: r.reason,
    amount: money(BigInt(r.amount), r.currency),
    recordedAt: r.recorded_at.toISOString(),
    resolvedAt: r.resolved_at?.toISOString() ?? null,
    resolution: r.resolution,
  }));
}
