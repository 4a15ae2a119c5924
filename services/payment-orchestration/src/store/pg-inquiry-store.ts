// Bill inquiry: what an account owes now, and a quote (inquiryRef) that a payment may rely on until
// it expires, even if a late fee lands in between.
import { money } from '@gateway/contracts';
import type { BillInquiryResponse } from '@gateway/contracts';
import { deleteInBatches } from '@gateway/kit';
import type { Queryable } from '@gateway/kit';
import type { Pool } from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { dueOf } from '../domain/allocation.ts';
import type { QuotedBill } from '../domain/allocation.ts';
import { maskHolderName } from '../domain/holder-name.ts';
import { payableBillFromRow } from './pg-bill-read-model-store.ts';
import type { PayableBillRow } from './pg-bill-read-model-store.ts';

type InquiryRow = PayableBillRow & { holder_name: string | null; period_to: string; issue_date: string };

export type InquiryOutcome = { kind: 'found'; response: BillInquiryResponse } | { kind: 'account_not_found' };

export async function inquireBills(
  pool: Pool,
  input: { clientId: string; billerId: string; accountNo: string; ttlMs: number; now: Date },
): Promise<InquiryOutcome> {
  const { rows } = await pool.query<InquiryRow>(
    `SELECT b.bill_id, b.external_bill_id, b.currency, b.amount, b.late_fee, b.allow_partial, b.min_amount, b.max_amount,
            b.essential, b.closed_externally, b.status, b.holder_name,
            to_char(b.period_from, 'YYYY-MM-DD') AS period_from, to_char(b.period_to, 'YYYY-MM-DD') AS period_to,
            to_char(b.issue_date, 'YYYY-MM-DD') AS issue_date, to_char(b.due_date, 'YYYY-MM-DD') AS due_date,
            COALESCE((SELECT sum(a.amount + a.waived) FROM payment_allocations a WHERE a.bill_id = b.bill_id AND a.reversed_at IS NULL), 0) AS allocated
     FROM payable_bills b WHERE b.biller_id = $1 AND b.account_no = $2
     ORDER BY b.period_from, b.due_date, b.bill_id`,
    [input.billerId, input.accountNo],
  );
  if (rows.length === 0) return { kind: 'account_not_found' };

  const open = rows
    .map((row) => ({ row, bill: payableBillFromRow(row) }))
    .map((x) => ({ ...x, due: x.bill.open ? dueOf(x.bill) : 0 }))
    .filter((x) => x.due > 0);
  const quoted: QuotedBill[] = open.map(({ bill }) => ({ billId: bill.billId, total: bill.amount + bill.lateFee, currency: bill.currency }));
  const inquiryRef = `inq_${uuidv7()}`;
  const expiresAt = new Date(input.now.getTime() + input.ttlMs);
  await pool.query(
    `INSERT INTO inquiries (inquiry_ref, client_id, biller_id, account_no, quoted, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [inquiryRef, input.clientId, input.billerId, input.accountNo, JSON.stringify(quoted), input.now, expiresAt],
  );
  const holder = rows[rows.length - 1]?.holder_name ?? null;
  return {
    kind: 'found',
    response: {
      accountNo: input.accountNo,
      holderName: maskHolderName(holder),
      bills: open.map(({ row, bill, due }) => ({
        billId: bill.billId,
        period: { from: row.period_from, to: row.period_to },
        issueDate: row.issue_date,
        dueDate: row.due_date,
        amountDue: money(due, bill.currency),
        lateFee: money(bill.lateFee, bill.currency),
        allowPartial: bill.allowPartial,
        // Billing's range was computed against its own view of what is due; ours is fresher.
        minAmount: money(bill.allowPartial ? Math.min(bill.minAmount, due) : due, bill.currency),
        maxAmount: money(due, bill.currency),
      })),
      inquiryRef,
      inquiryExpiresAt: expiresAt.toISOString(),
    },
  };
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
