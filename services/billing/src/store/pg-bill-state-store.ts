// Reading a bill for a change and writing its new state back: the part settlement and the late-fee run
// share. Bills are always locked in bill_id order, so two transactions touching overlapping sets of
// bills (a bulk payment of a ministry and the daily run) wait for each other instead of deadlocking.
import { money } from '@gateway/contracts';
import type { BillStatus } from '@gateway/contracts';
import type { PoolClient } from 'pg';
import type { AccountRecord, BillLine, BillRecord } from '../domain/bill-records.ts';
import type { BillState } from '../domain/bill-state.ts';
import { accountFromRow } from './pg-account-store.ts';
import type { AccountRow } from './pg-account-store.ts';

export type BillWithAccount = { bill: BillRecord; account: AccountRecord };

type BillRow = {
  bill_id: string;
  external_bill_id: string;
  account_no: string;
  bill_biller_id: string;
  period_from: string | null;
  period_to: string | null;
  issue_date: string | null;
  due_date: string | null;
  amount: number;
  currency: string;
  lines: { code: string; description: string; amount: number | { amount: number; currency: string } }[];
  paid_amount: number;
  late_fee: number;
  status: BillStatus;
  essential: boolean;
  revision: number;
  batch_id: string | null;
  overdue_notified_on: string | null;
  bill_created_at: Date;
  bill_updated_at: Date;
};

// Dates come back as text: node-pg would turn a `date` into a Date at local midnight of the process's
// zone, which is exactly the kind of shift a business date must never suffer.
const selectBillWithAccount = `
  SELECT b.bill_id, b.external_bill_id, b.account_no, b.biller_id AS bill_biller_id,
         b.period_from::text AS period_from, b.period_to::text AS period_to,
         b.issue_date::text AS issue_date, b.due_date::text AS due_date,
         b.amount, b.currency, b.lines, b.paid_amount, b.late_fee, b.status, b.essential, b.revision,
         b.batch_id, b.overdue_notified_on::text AS overdue_notified_on,
         b.created_at AS bill_created_at, b.updated_at AS bill_updated_at,
         a.holder_name, a.holder_class, a.msisdn, a.locale, a.entity_id, a.governorate, a.biller_id,
         a.created_at, a.updated_at
  FROM bills b JOIN accounts a ON a.account_no = b.account_no`;

function required(value: string | null, column: string, billId: string): string {
  // The import refuses rows without these dates; a null here is a data bug worth failing loudly on.
  if (value === null) throw new Error(`bill ${billId} has no ${column}`);
  return value;
}

export function billFromRow(row: BillRow): BillRecord {
  const currency = row.currency.trim();
  // A line's amount is stored as Money; a bare number means the bill's own currency.
  const lines: BillLine[] = row.lines.map((l) => ({
    code: l.code,
    description: l.description,
    amount: typeof l.amount === 'number' ? money(l.amount, currency) : money(l.amount.amount, l.amount.currency),
  }));
  return {
    billId: row.bill_id,
    externalBillId: row.external_bill_id,
    accountNo: row.account_no,
    billerId: row.bill_biller_id,
    periodFrom: required(row.period_from, 'period_from', row.bill_id),
    periodTo: required(row.period_to, 'period_to', row.bill_id),
    issueDate: required(row.issue_date, 'issue_date', row.bill_id),
    dueDate: required(row.due_date, 'due_date', row.bill_id),
    amount: money(row.amount, currency),
    lines,
    paidAmount: money(row.paid_amount, currency),
    lateFee: money(row.late_fee, currency),
    status: row.status,
    essential: row.essential,
    revision: row.revision,
    batchId: row.batch_id,
    overdueNotifiedOn: row.overdue_notified_on,
    createdAt: row.bill_created_at,
    updatedAt: row.bill_updated_at,
  };
}

/** Locks the bills that exist among `billIds` (FOR UPDATE, in bill_id order) and returns them with their accounts. */
export async function lockBills(client: PoolClient, billIds: readonly string[]): Promise<Map<string, BillWithAccount>> {
  const found = new Map<string, BillWithAccount>();
  if (billIds.length === 0) return found;
  const { rows } = await client.query<BillRow & AccountRow>(
    `${selectBillWithAccount} WHERE b.bill_id = ANY($1::text[]) ORDER BY b.bill_id FOR UPDATE OF b`,
    [[...new Set(billIds)].sort()],
  );
  for (const row of rows) found.set(row.bill_id, { bill: billFromRow(row), account: accountFromRow(row) });
  return found;
}

/** Same read without a lock, for tests and for callers that only present a bill. */
export async function readBill(client: PoolClient, billId: string): Promise<BillWithAccount | undefined> {
  const { rows } = await client.query<BillRow & AccountRow>(`${selectBillWithAccount} WHERE b.bill_id = $1`, [billId]);
  const row = rows[0];
  return row === undefined ? undefined : { bill: billFromRow(row), account: accountFromRow(row) };
}

export type StateChange = { cause: 'payment' | 'reversal' | 'late_fee' | 'overdue'; causeId: string | null; at: Date };

/** Writes the new amounts, status and revision of a locked bill, and a line of its history. */
export async function saveBillState(client: PoolClient, bill: BillRecord, state: BillState, change: StateChange): Promise<BillRecord> {
  await client.query(
    `UPDATE bills SET paid_amount = $2, late_fee = $3, status = $4, revision = $5, updated_at = $6 WHERE bill_id = $1`,
    [bill.billId, state.paidAmount.amount, state.lateFee.amount, state.status, state.revision, change.at],
  );
  // A revision another writer (a re-import) already logged keeps its line; history is append-only.
  await client.query(
    `INSERT INTO bill_history (bill_id, revision, status, paid_amount, late_fee, cause, cause_id, occurred_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING`,
    [bill.billId, state.revision, state.status, state.paidAmount.amount, state.lateFee.amount, change.cause, change.causeId, change.at],
  );
  return { ...bill, paidAmount: state.paidAmount, lateFee: state.lateFee, status: state.status, revision: state.revision, updatedAt: change.at };
}
