// Bill inquiries in Postgres: the account's bills as inquiry reads them, and the quotes
// (inquiryRef) a payment may rely on until they expire (flows/inquire-bills.flow.ts decides).
import { deleteInBatches } from '@gateway/kit';
import type { Queryable } from '@gateway/kit';
import type { Pool } from 'pg';
import type { QuotedBill } from '../domain/allocation.ts';
import type { PayableBillRow } from './pg-bill-read-model-store.ts';

/** A bill of the account as inquiry shows it: the payable row with its live allocations, and its dates as text. */
export type InquiryBillRow = PayableBillRow & { holder_name: string | null; period_to: string; issue_date: string };

/** Every bill of the account in the read model, oldest period first; none when the account is unknown. */
export async function accountBillsForInquiry(db: Queryable, billerId: string, accountNo: string): Promise<InquiryBillRow[]> {
  const { rows } = await db.query<InquiryBillRow>(
    `SELECT b.bill_id, b.external_bill_id, b.currency, b.amount, b.late_fee, b.allow_partial, b.min_amount, b.max_amount,
            b.essential, b.closed_externally, b.status, b.holder_name,
            to_char(b.period_from, 'YYYY-MM-DD') AS period_from, to_char(b.period_to, 'YYYY-MM-DD') AS period_to,
            to_char(b.issue_date, 'YYYY-MM-DD') AS issue_date, to_char(b.due_date, 'YYYY-MM-DD') AS due_date,
            to_char(b.expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS expires_at,
            COALESCE((SELECT sum(a.amount + a.waived) FROM payment_allocations a WHERE a.bill_id = b.bill_id AND a.reversed_at IS NULL), 0) AS allocated
     FROM payable_bills b WHERE b.biller_id = $1 AND b.account_no = $2
     ORDER BY b.period_from, b.due_date, b.bill_id`,
    [billerId, accountNo],
  );
  return rows;
}

export async function insertInquiry(
  db: Queryable,
  inquiry: { inquiryRef: string; clientId: string; billerId: string; accountNo: string; quoted: readonly QuotedBill[]; createdAt: Date; expiresAt: Date },
): Promise<void> {
  await db.query(
    `INSERT INTO inquiries (inquiry_ref, client_id, biller_id, account_no, quoted, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [inquiry.inquiryRef, inquiry.clientId, inquiry.billerId, inquiry.accountNo, JSON.stringify(inquiry.quoted), inquiry.createdAt, inquiry.expiresAt],
  );
}

/** An inquiry as stored: who made it, for which account, what it quoted, and until when. */
export type StoredInquiry = { clientId: string; billerId: string; accountNo: string; quoted: QuotedBill[]; createdAt: Date; expiresAt: Date };

export async function findInquiry(db: Queryable, inquiryRef: string): Promise<StoredInquiry | null> {
  const { rows } = await db.query<{ client_id: string; biller_id: string; account_no: string; quoted: QuotedBill[]; created_at: Date; expires_at: Date }>(
    `SELECT client_id, biller_id, account_no, quoted, created_at, expires_at FROM inquiries WHERE inquiry_ref = $1`,
    [inquiryRef],
  );
  const row = rows[0];
  return row === undefined
    ? null
    : { clientId: row.client_id, billerId: row.biller_id, accountNo: row.account_no, quoted: row.quoted, createdAt: row.created_at, expiresAt: row.expires_at };
}

/**
 * Retention: every bill inquiry adds a row, and one is needed only until its quote expires (a payment
 * carries what it relied on). Kept `olderThanMs` past expiry so that a late payment naming it is still
 * told `inquiry_expired` rather than "unknown"; deleted in batches along expires_at's index.
 */
export function purgeExpiredInquiries(pool: Pool, options: { olderThanMs: number; batchSize: number }): Promise<number> {
  return deleteInBatches(pool, {
    table: 'inquiries',
    where: `expires_at < now() - make_interval(secs => $2::double precision / 1000)`,
    params: [options.olderThanMs],
    orderBy: 'expires_at',
    batchSize: options.batchSize,
  });
}
