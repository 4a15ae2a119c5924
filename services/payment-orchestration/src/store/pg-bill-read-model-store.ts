// The read model of payable bills, written only from bill.* events. Each event carries the bill's
// full snapshot and a revision; a snapshot older than the stored one is ignored, so a redelivered or
// reordered event never rolls a bill back.
import type { BillSnapshot } from '@gateway/contracts';
import type { Queryable } from '@gateway/kit';
import type { PayableBill } from '../domain/allocation.ts';

/**
 * How the event changes whether a bill is closed by something other than our own allocations:
 * `settled` with a payment we do not know closes it (paid at a counter, say); `reopened` opens it;
 * anything else leaves that as it was.
 */
export type ExternalClosure = 'close' | 'open' | 'keep';

export type ApplySnapshotResult = 'applied' | 'stale';

export async function applyBillSnapshot(client: Queryable, bill: BillSnapshot, closure: ExternalClosure): Promise<ApplySnapshotResult> {
  const closed = closure === 'close';
  const result = await client.query(
    `INSERT INTO payable_bills (bill_id, external_bill_id, biller_id, account_no, holder_name, holder_class, holder_msisdn, status,
       period_from, period_to, issue_date, due_date, amount, late_fee, paid_amount, currency, allow_partial, min_amount, max_amount,
       essential, revision, closed_externally, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, now())
     ON CONFLICT (bill_id) DO UPDATE SET
       external_bill_id = EXCLUDED.external_bill_id, biller_id = EXCLUDED.biller_id, account_no = EXCLUDED.account_no,
       holder_name = EXCLUDED.holder_name, holder_class = EXCLUDED.holder_class, holder_msisdn = EXCLUDED.holder_msisdn,
       status = EXCLUDED.status, period_from = EXCLUDED.period_from, period_to = EXCLUDED.period_to,
       issue_date = EXCLUDED.issue_date, due_date = EXCLUDED.due_date, amount = EXCLUDED.amount, late_fee = EXCLUDED.late_fee,
       paid_amount = EXCLUDED.paid_amount, currency = EXCLUDED.currency, allow_partial = EXCLUDED.allow_partial,
       min_amount = EXCLUDED.min_amount, max_amount = EXCLUDED.max_amount, essential = EXCLUDED.essential,
       revision = EXCLUDED.revision,
       closed_externally = CASE $23::text WHEN 'close' THEN true WHEN 'open' THEN false ELSE payable_bills.closed_externally END,
       updated_at = now()
     WHERE payable_bills.revision < EXCLUDED.revision`,
    [
      bill.billId,
      bill.externalBillId,
      bill.billerId,
      bill.accountNo,
      bill.holder.name,
      bill.holder.class,
      bill.holder.msisdn,
      bill.status,
      bill.period.from,
      bill.period.to,
      bill.issueDate,
      bill.dueDate,
      bill.amount.amount,
      bill.lateFee.amount,
      bill.paidAmount.amount,
      bill.amount.currency,
      bill.allowPartial,
      bill.minAmount.amount,
      bill.maxAmount.amount,
      bill.essential,
      bill.revision,
      closed,
      closure,
    ],
  );
  return result.rowCount === 1 ? 'applied' : 'stale';
}

/** Whether every payment that billing says settled the bill is one of ours. */
export async function allPaymentsKnown(client: Queryable, paymentIds: readonly string[]): Promise<boolean> {
  const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM payments WHERE payment_id = ANY($1::text[])`, [paymentIds]);
  return Number(rows[0]?.n ?? 0) === new Set(paymentIds).size;
}

/** A payable_bills row with the live allocations summed: what inquiry and payment both decide on. */
export type PayableBillRow = {
  bill_id: string;
  external_bill_id: string;
  currency: string;
  amount: string;
  late_fee: string;
  allocated: string;
  allow_partial: boolean;
  min_amount: string;
  max_amount: string;
  essential: boolean;
  closed_externally: boolean;
  status: string;
  period_from: string;
  due_date: string;
};

export function payableBillFromRow(row: PayableBillRow): PayableBill {
  return {
    billId: row.bill_id,
    externalBillId: row.external_bill_id,
    currency: row.currency as PayableBill['currency'],
    amount: Number(row.amount),
    lateFee: Number(row.late_fee),
    allocated: Number(row.allocated),
    allowPartial: row.allow_partial,
    minAmount: Number(row.min_amount),
    maxAmount: Number(row.max_amount),
    essential: row.essential,
    open: !row.closed_externally && row.status !== 'canceled',
    periodFrom: row.period_from,
    dueDate: row.due_date,
  };
}
