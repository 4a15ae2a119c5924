// Bills in Postgres. Dates are selected as text: a `date` column read through pg becomes a JS Date
// at local midnight, which shifts by a day in some time zones; a business date is a string end to end.
import { money } from '@gateway/contracts';
import type { BillStatus, BusinessDate } from '@gateway/contracts';
import type { Queryable } from '@gateway/kit';
import type { PoolClient } from 'pg';
import { v7 as uuidv7 } from 'uuid';
import type { StoredBillKey, ValidBillRow } from '../domain/bill-import.ts';
import type { BillLine, BillRecord } from '../domain/bill-records.ts';

// Every column of a bill, named as `BillRow` expects. `table` qualifies them for a query that joins
// another table with columns of the same name (accounts has account_no, biller_id, created_at and
// updated_at): the bill's own keep their names, so one mapper serves every read of a bill.
export function billColumnsOf(table?: string): string {
  const q = table === undefined ? '' : `${table}.`;
  return `${q}bill_id, ${q}external_bill_id, ${q}account_no, ${q}biller_id,
  ${q}period_from::text AS period_from, ${q}period_to::text AS period_to, ${q}issue_date::text AS issue_date, ${q}due_date::text AS due_date,
  ${q}amount, ${q}currency, ${q}lines, ${q}paid_amount, ${q}late_fee, ${q}status, ${q}essential, ${q}revision, ${q}batch_id, ${q}batch_row,
  ${q}overdue_notified_on::text AS overdue_notified_on, ${q}expires_at, ${q}created_at, ${q}updated_at`;
}

export const billColumns = billColumnsOf();

export type BillRow = {
  bill_id: string;
  external_bill_id: string;
  account_no: string;
  biller_id: string;
  // Nullable in the table (a bill row predates the import's checks); billFromRow insists on them.
  period_from: string | null;
  period_to: string | null;
  issue_date: string | null;
  due_date: string | null;
  amount: number;
  currency: string;
  lines: { code: string; description: string; amount: { amount: number; currency: string } }[];
  paid_amount: number;
  late_fee: number;
  status: BillStatus;
  essential: boolean;
  revision: number;
  batch_id: string | null;
  batch_row: number | null;
  overdue_notified_on: BusinessDate | null;
  expires_at: Date | null;
  created_at: Date;
  updated_at: Date;
};

function required(value: string | null, column: string, billId: string): BusinessDate {
  // The import refuses rows without these dates; a null here is a data bug worth failing loudly on,
  // not a bill to quote, settle or fine with an undefined due date.
  if (value === null) throw new Error(`bill ${billId} has no ${column}`);
  return value;
}

export function billFromRow(row: BillRow): BillRecord {
  // char(3): trimmed so a code stored short never reaches Money padded.
  const currency = row.currency.trim();
  return {
    billId: row.bill_id,
    externalBillId: row.external_bill_id,
    accountNo: row.account_no,
    billerId: row.biller_id,
    periodFrom: required(row.period_from, 'period_from', row.bill_id),
    periodTo: required(row.period_to, 'period_to', row.bill_id),
    issueDate: required(row.issue_date, 'issue_date', row.bill_id),
    dueDate: required(row.due_date, 'due_date', row.bill_id),
    amount: money(row.amount, currency),
    // Lines are stored as the import checked them: Money each (checkBillRow refuses anything else).
    lines: row.lines.map((line): BillLine => ({ code: line.code, description: line.description, amount: money(line.amount.amount, line.amount.currency) })),
    paidAmount: money(row.paid_amount, currency),
    lateFee: money(row.late_fee, currency),
    status: row.status,
    essential: row.essential,
    revision: row.revision,
    batchId: row.batch_id,
    overdueNotifiedOn: row.overdue_notified_on,
    expiresAt: row.expires_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** A row to insert, with the id it gets if it is new. */
export type NewBill = { billId: string; row: ValidBillRow; billerId: string };

export function newBillId(): string {
  return `bil_${uuidv7()}`;
}

/**
 * Inserts the bills of one chunk in one statement. Rows whose externalBillId is already stored (by
 * any batch, or earlier in the same statement) are skipped by the unique index, not failed: the
 * caller finds out what they are with `findBillKeys`. Returns the rows actually inserted.
 */
export async function insertBills(client: PoolClient, batchId: string, bills: readonly NewBill[]): Promise<BillRecord[]> {
  if (bills.length === 0) return [];
  const { rows } = await client.query<BillRow>(
    `INSERT INTO bills (bill_id, external_bill_id, account_no, biller_id, period_from, period_to, issue_date, due_date,
                        amount, currency, lines, batch_id, batch_row)
     SELECT b.bill_id, b.external_bill_id, b.account_no, b.biller_id, b.period_from, b.period_to, b.issue_date, b.due_date,
            b.amount, b.currency, b.lines, $12, b.batch_row
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::date[], $6::date[], $7::date[], $8::date[],
                 $9::bigint[], $10::text[], $11::jsonb[], $13::int[])
       AS b(bill_id, external_bill_id, account_no, biller_id, period_from, period_to, issue_date, due_date, amount, currency, lines, batch_row)
     ORDER BY b.batch_row
     ON CONFLICT (external_bill_id) DO NOTHING
     RETURNING ${billColumns}`,
    [
      bills.map((b) => b.billId),
      bills.map((b) => b.row.externalBillId),
      bills.map((b) => b.row.accountNo),
      bills.map((b) => b.billerId),
      bills.map((b) => b.row.periodFrom),
      bills.map((b) => b.row.periodTo),
      bills.map((b) => b.row.issueDate),
      bills.map((b) => b.row.dueDate),
      bills.map((b) => b.row.amount.amount),
      bills.map((b) => b.row.amount.currency),
      bills.map((b) => JSON.stringify(b.row.lines)),
      batchId,
      bills.map((b) => b.row.index),
    ],
  );
  return rows.map(billFromRow);
}

/** What is stored under these externalBillIds, to tell a resumed row from a duplicate. */
export async function findBillKeys(db: Queryable, externalBillIds: readonly string[]): Promise<Map<string, StoredBillKey>> {
  const found = new Map<string, StoredBillKey>();
  if (externalBillIds.length === 0) return found;
  const { rows } = await db.query<BillRow>(`SELECT ${billColumns} FROM bills WHERE external_bill_id = ANY($1::text[])`, [externalBillIds]);
  for (const row of rows) {
    const bill = billFromRow(row);
    found.set(bill.externalBillId, {
      billId: bill.billId,
      accountNo: bill.accountNo,
      batchId: bill.batchId,
      batchRow: row.batch_row,
      periodFrom: bill.periodFrom,
      periodTo: bill.periodTo,
      issueDate: bill.issueDate,
      dueDate: bill.dueDate,
      amount: bill.amount,
    });
  }
  return found;
}

/** An account's bills, newest period first. */
export async function findAccountBills(db: Queryable, accountNo: string): Promise<BillRecord[]> {
  const { rows } = await db.query<BillRow>(
    `SELECT ${billColumns} FROM bills WHERE account_no = $1 ORDER BY period_from DESC NULLS LAST, issue_date DESC, bill_id DESC`,
    [accountNo],
  );
  return rows.map(billFromRow);
}

/**
 * The bills of a set of accounts whose billing period starts in [from, to). A statement month holds
 * the bills whose period starts in it, so a bill spanning two months is counted once, not twice.
 */
export async function findBillsStartingIn(db: Queryable, accountNos: readonly string[], from: BusinessDate, to: BusinessDate): Promise<BillRecord[]> {
  if (accountNos.length === 0) return [];
  const { rows } = await db.query<BillRow>(
    `SELECT ${billColumns} FROM bills
     WHERE account_no = ANY($1::text[]) AND period_from >= $2::date AND period_from < $3::date
     ORDER BY account_no, period_from, bill_id`,
    [accountNos, from, to],
  );
  return rows.map(billFromRow);
}

/** The bills a batch itself stored, by their position in it (to rebuild a replayed answer). */
export async function findBatchBills(db: Queryable, batchId: string): Promise<{ index: number; externalBillId: string; billId: string }[]> {
  const { rows } = await db.query<{ batch_row: number; external_bill_id: string; bill_id: string }>(
    'SELECT batch_row, external_bill_id, bill_id FROM bills WHERE batch_id = $1 ORDER BY batch_row',
    [batchId],
  );
  return rows.map((r) => ({ index: r.batch_row, externalBillId: r.external_bill_id, billId: r.bill_id }));
}
