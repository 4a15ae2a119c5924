// The read model of payable bills, written only from bill.* events, a consumer batch at a time. Each
// event carries the bill's full snapshot and a revision; the flow folds a batch's events into one row
// per bill (domain/bill-changes.ts) against the states locked here, and one statement writes them all.
import type { Queryable } from '@gateway/kit';
import type { PayableBill } from '../domain/allocation.ts';
import type { BillRow, StoredBillState } from '../domain/bill-changes.ts';

/**
 * The read model's state of these bills, each row locked FOR UPDATE in bill_id order (the order
 * recordPayment and intent creation lock them in), so nothing changes them before upsertBills.
 */
export async function lockBillStates(client: Queryable, billIds: readonly string[]): Promise<Map<string, StoredBillState>> {
  const { rows } = await client.query<{ bill_id: string; revision: number; closed_externally: boolean }>(
    'SELECT bill_id, revision, closed_externally FROM payable_bills WHERE bill_id = ANY($1::text[]) ORDER BY bill_id FOR UPDATE',
    [billIds],
  );
  return new Map(rows.map((r) => [r.bill_id, { revision: r.revision, closedExternally: r.closed_externally }]));
}

/**
 * Writes the rows in one multi-row upsert. The revision guard stays: a bill inserted by someone else
 * since lockBillStates (a missing row cannot be locked) is overwritten only by a newer snapshot.
 * Returns how many rows were written.
 */
export async function upsertBills(client: Queryable, bills: readonly BillRow[]): Promise<number> {
  if (bills.length === 0) return 0;
  const column = <T>(value: (bill: BillRow) => T): T[] => bills.map(value);
  const result = await client.query(
    `INSERT INTO payable_bills (bill_id, external_bill_id, biller_id, account_no, holder_name, holder_class, holder_msisdn, status,
       period_from, period_to, issue_date, due_date, amount, late_fee, paid_amount, currency, allow_partial, min_amount, max_amount,
       essential, revision, closed_externally, expires_at, holder_entity_id, updated_at)
     SELECT u.*, now() FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
       $9::date[], $10::date[], $11::date[], $12::date[], $13::bigint[], $14::bigint[], $15::bigint[], $16::text[], $17::boolean[],
       $18::bigint[], $19::bigint[], $20::boolean[], $21::int[], $22::boolean[], $23::timestamptz[], $24::text[]) AS u
     ON CONFLICT (bill_id) DO UPDATE SET
       external_bill_id = EXCLUDED.external_bill_id, biller_id = EXCLUDED.biller_id, account_no = EXCLUDED.account_no,
       holder_name = EXCLUDED.holder_name, holder_class = EXCLUDED.holder_class, holder_msisdn = EXCLUDED.holder_msisdn,
       status = EXCLUDED.status, period_from = EXCLUDED.period_from, period_to = EXCLUDED.period_to,
       issue_date = EXCLUDED.issue_date, due_date = EXCLUDED.due_date, amount = EXCLUDED.amount, late_fee = EXCLUDED.late_fee,
       paid_amount = EXCLUDED.paid_amount, currency = EXCLUDED.currency, allow_partial = EXCLUDED.allow_partial,
       min_amount = EXCLUDED.min_amount, max_amount = EXCLUDED.max_amount, essential = EXCLUDED.essential,
       revision = EXCLUDED.revision, closed_externally = EXCLUDED.closed_externally, expires_at = EXCLUDED.expires_at,
       holder_entity_id = EXCLUDED.holder_entity_id, updated_at = now()
     WHERE payable_bills.revision < EXCLUDED.revision`,
    [
      column((b) => b.snapshot.billId),
      column((b) => b.snapshot.externalBillId),
      column((b) => b.snapshot.billerId),
      column((b) => b.snapshot.accountNo),
      column((b) => b.snapshot.holder.name),
      column((b) => b.snapshot.holder.class),
      column((b) => b.snapshot.holder.msisdn),
      column((b) => b.snapshot.status),
      column((b) => b.snapshot.period.from),
      column((b) => b.snapshot.period.to),
      column((b) => b.snapshot.issueDate),
      column((b) => b.snapshot.dueDate),
      column((b) => b.snapshot.amount.amount),
      column((b) => b.snapshot.lateFee.amount),
      column((b) => b.snapshot.paidAmount.amount),
      column((b) => b.snapshot.amount.currency),
      column((b) => b.snapshot.allowPartial),
      column((b) => b.snapshot.minAmount.amount),
      column((b) => b.snapshot.maxAmount.amount),
      column((b) => b.snapshot.essential),
      column((b) => b.snapshot.revision),
      column((b) => b.closedExternally),
      // A fee order's expiry (issue 16); telecom bills carry none.
      column((b) => b.snapshot.expiresAt ?? null),
      // The public entity the line belongs to: its one transfer pays all its lines (issue 16).
      column((b) => b.snapshot.holder.entityId),
    ],
  );
  return result.rowCount ?? 0;
}

/** The first of these bills that is a fee order past its expiry at `now` (issue 16), or null. */
export async function findExpiredOrder(db: Queryable, billIds: readonly string[], now: Date): Promise<{ billId: string; expiresAt: string } | null> {
  const { rows } = await db.query<{ bill_id: string; expires_at: Date }>(
    'SELECT bill_id, expires_at FROM payable_bills WHERE bill_id = ANY($1::text[]) AND expires_at <= $2 ORDER BY bill_id LIMIT 1',
    [billIds, now],
  );
  const row = rows[0];
  return row === undefined ? null : { billId: row.bill_id, expiresAt: row.expires_at.toISOString() };
}

/** Which of these payments are ours (recorded here). */
export async function knownPayments(client: Queryable, paymentIds: readonly string[]): Promise<Set<string>> {
  if (paymentIds.length === 0) return new Set();
  const { rows } = await client.query<{ payment_id: string }>('SELECT payment_id FROM payments WHERE payment_id = ANY($1::text[])', [paymentIds]);
  return new Set(rows.map((r) => r.payment_id));
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
  /** A fee order's expiry (RFC 3339 text); null on telecom bills. */
  expires_at: string | null;
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
    expiresAt: row.expires_at,
  };
}
