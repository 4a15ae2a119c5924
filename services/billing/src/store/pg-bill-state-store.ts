// Reading a bill for a change and writing its new state back: the part settlement and the late-fee run
// share. Bills are always locked in bill_id order, so two transactions touching overlapping sets of
// bills (a bulk payment of a ministry and the daily run) wait for each other instead of deadlocking.
import type { PoolClient } from 'pg';
import type { AccountRecord, BillRecord } from '../domain/bill-records.ts';
import type { BillState } from '../domain/bill-state.ts';
import type { HistoryLine } from '../domain/settlement-book.ts';
import { accountFromRow } from './pg-account-store.ts';
import type { AccountRow } from './pg-account-store.ts';
import { billColumnsOf, billFromRow } from './pg-bill-store.ts';
import type { BillRow } from './pg-bill-store.ts';

export type BillWithAccount = { bill: BillRecord; account: AccountRecord };

// The bill's columns keep their own names, so pg-bill-store's billFromRow reads them; the three
// account columns a bill also has (biller_id, created_at, updated_at) come back prefixed instead.
// account_no is the join key, the same value on both sides.
type AccountColumns = Omit<AccountRow, 'account_no' | 'biller_id' | 'created_at' | 'updated_at'> & {
  account_biller_id: string;
  account_created_at: Date;
  account_updated_at: Date;
};

type BillWithAccountRow = BillRow & AccountColumns;

const selectBillWithAccount = `
  SELECT ${billColumnsOf('b')},
         a.holder_name, a.holder_class, a.msisdn, a.locale, a.entity_id, a.governorate,
         a.biller_id AS account_biller_id, a.created_at AS account_created_at, a.updated_at AS account_updated_at
  FROM bills b JOIN accounts a ON a.account_no = b.account_no`;

function fromRow(row: BillWithAccountRow): BillWithAccount {
  return {
    bill: billFromRow(row),
    account: accountFromRow({ ...row, biller_id: row.account_biller_id, created_at: row.account_created_at, updated_at: row.account_updated_at }),
  };
}

/** Locks the bills that exist among `billIds` (FOR UPDATE, in bill_id order) and returns them with their accounts. */
export async function lockBills(client: PoolClient, billIds: readonly string[]): Promise<Map<string, BillWithAccount>> {
  const found = new Map<string, BillWithAccount>();
  if (billIds.length === 0) return found;
  const { rows } = await client.query<BillWithAccountRow>(
    `${selectBillWithAccount} WHERE b.bill_id = ANY($1::text[]) ORDER BY b.bill_id FOR UPDATE OF b`,
    [[...new Set(billIds)].sort()],
  );
  for (const row of rows) found.set(row.bill_id, fromRow(row));
  return found;
}

/** Same read without a lock, for tests and for callers that only present a bill. */
export async function readBill(client: PoolClient, billId: string): Promise<BillWithAccount | undefined> {
  const { rows } = await client.query<BillWithAccountRow>(`${selectBillWithAccount} WHERE b.bill_id = $1`, [billId]);
  const row = rows[0];
  return row === undefined ? undefined : fromRow(row);
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

/**
 * The same for many locked bills in two statements (settlement's batches): each bill's last state,
 * and every history line in the order the changes happened.
 */
export async function saveBillStates(client: PoolClient, bills: readonly BillRecord[], history: readonly HistoryLine[]): Promise<void> {
  if (bills.length > 0) {
    const updated = await client.query(
      `UPDATE bills b SET paid_amount = t.paid_amount, late_fee = t.late_fee, status = t.status, revision = t.revision, updated_at = t.updated_at
       FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::text[], $5::int[], $6::timestamptz[]) AS t(bill_id, paid_amount, late_fee, status, revision, updated_at)
       WHERE b.bill_id = t.bill_id`,
      [
        bills.map((b) => b.billId),
        bills.map((b) => b.paidAmount.amount),
        bills.map((b) => b.lateFee.amount),
        bills.map((b) => b.status),
        bills.map((b) => b.revision),
        bills.map((b) => b.updatedAt),
      ],
    );
    if (updated.rowCount !== bills.length) throw new Error(`saveBillStates: ${bills.length - (updated.rowCount ?? 0)} of the locked bills are gone`);
  }
  if (history.length === 0) return;
  await client.query(
    `INSERT INTO bill_history (bill_id, revision, status, paid_amount, late_fee, cause, cause_id, occurred_at)
     SELECT bill_id, revision, status, paid_amount, late_fee, cause, cause_id, occurred_at
     FROM unnest($1::text[], $2::int[], $3::text[], $4::bigint[], $5::bigint[], $6::text[], $7::text[], $8::timestamptz[]) WITH ORDINALITY
       AS t(bill_id, revision, status, paid_amount, late_fee, cause, cause_id, occurred_at, n)
     ORDER BY n
     ON CONFLICT DO NOTHING`,
    [
      history.map((h) => h.billId),
      history.map((h) => h.state.revision),
      history.map((h) => h.state.status),
      history.map((h) => h.state.paidAmount.amount),
      history.map((h) => h.state.lateFee.amount),
      history.map((h) => h.change.cause),
      history.map((h) => h.change.causeId),
      history.map((h) => h.change.at),
    ],
  );
}
