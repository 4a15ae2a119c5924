// Fee orders in Postgres: the order row, and the account and bill it is paid as (account_no and
// external_bill_id = the orderRef), written in the caller's transaction with the bill.issued outbox row.
import { money } from '@gateway/contracts';
import type { BillStatus, BusinessDate, Money } from '@gateway/contracts';
import type { Queryable } from '@gateway/kit';
import type { PoolClient } from 'pg';
import type { AccountRecord, BillLine, BillRecord } from '../domain/bill-records.ts';
import { accountColumns, accountFromRow } from './pg-account-store.ts';
import type { AccountRow } from './pg-account-store.ts';
import { billColumns, billFromRow } from './pg-bill-store.ts';
import type { BillRow } from './pg-bill-store.ts';

export type NewFeeOrder = {
  orderRef: string;
  billId: string;
  billerId: string;
  serviceCode: string;
  quantity: number;
  unitAmount: Money;
  amount: Money;
  feeEffectiveFrom: BusinessDate;
  applicant: { nationalId: string; name: string; msisdn: string };
  createdBy: string;
  createdAt: Date;
  expiresAt: Date;
  orderDay: BusinessDate;
  dueDate: BusinessDate;
  lines: BillLine[];
};

/** Inserts the applicant's account, the order's bill and the order; returns the bill and account as stored. */
export async function insertFeeOrder(client: PoolClient, order: NewFeeOrder): Promise<{ bill: BillRecord; account: AccountRecord }> {
  const accounts = await client.query<AccountRow>(
    `INSERT INTO accounts (account_no, holder_name, holder_class, msisdn, locale, biller_id)
     VALUES ($1, $2, 'individual', $3, 'ar', $4)
     RETURNING ${accountColumns}`,
    [order.orderRef, order.applicant.name, order.applicant.msisdn, order.billerId],
  );
  const bills = await client.query<BillRow>(
    `INSERT INTO bills (bill_id, external_bill_id, account_no, biller_id, period_from, period_to, issue_date, due_date,
                        amount, currency, lines, essential, expires_at, created_at, updated_at)
     VALUES ($1, $2, $2, $3, $4, $4, $4, $5, $6, $7, $8, false, $9, $10, $10)
     RETURNING ${billColumns}`,
    [order.billId, order.orderRef, order.billerId, order.orderDay, order.dueDate, order.amount.amount, order.amount.currency, JSON.stringify(order.lines), order.expiresAt, order.createdAt],
  );
  await client.query(
    `INSERT INTO fee_orders (order_ref, biller_id, service_code, quantity, unit_amount, amount, currency, fee_effective_from,
                             applicant_national_id, bill_id, created_by, created_at, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
    [
      order.orderRef,
      order.billerId,
      order.serviceCode,
      order.quantity,
      order.unitAmount.amount,
      order.amount.amount,
      order.amount.currency,
      order.feeEffectiveFrom,
      order.applicant.nationalId,
      order.billId,
      order.createdBy,
      order.createdAt,
      order.expiresAt,
    ],
  );
  return { bill: billFromRow(bills.rows[0]!), account: accountFromRow(accounts.rows[0]!) };
}

export type StoredFeeOrder = {
  orderRef: string;
  billerId: string;
  serviceCode: string;
  quantity: number;
  amount: Money;
  createdAt: Date;
  expiresAt: Date;
  billId: string;
  billStatus: BillStatus;
  /** The standing payment on the bill (the one that settled it), when there is one. */
  payment: { receiptNo: string | null; paidAt: Date } | null;
};

export type FeeOrderRow = {
  order_ref: string;
  biller_id: string;
  service_code: string;
  quantity: number;
  amount: string;
  currency: string;
  created_at: Date;
  expires_at: Date;
  bill_id: string;
  status: BillStatus;
  receipt_no: string | null;
  paid_at: Date | null;
};

// The bill's status, and its latest payment not reversed since (a fee order's bill takes one payment,
// in full: allowPartial is false).
export const feeOrderSelect = `
  SELECT o.order_ref, o.biller_id, o.service_code, o.quantity, o.amount::text AS amount, o.currency, o.created_at, o.expires_at,
         o.bill_id, b.status, p.receipt_no, p.occurred_at AS paid_at
  FROM fee_orders o
  JOIN bills b ON b.bill_id = o.bill_id
  LEFT JOIN LATERAL (
    SELECT bp.receipt_no, bp.occurred_at FROM bill_payments bp
    WHERE bp.bill_id = o.bill_id AND bp.kind = 'payment' AND bp.applied_amount > 0
      AND NOT EXISTS (SELECT 1 FROM bill_payments r WHERE r.payment_id = bp.payment_id AND r.bill_id = bp.bill_id AND r.kind = 'reversal')
    ORDER BY bp.occurred_at DESC LIMIT 1
  ) p ON true`;

export function feeOrderFromRow(row: FeeOrderRow): StoredFeeOrder {
  return {
    orderRef: row.order_ref,
    billerId: row.biller_id,
    serviceCode: row.service_code,
    quantity: row.quantity,
    amount: money(Number(row.amount), row.currency.trim()),
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    billId: row.bill_id,
    billStatus: row.status,
    payment: row.paid_at === null ? null : { receiptNo: row.receipt_no, paidAt: row.paid_at },
  };
}

export async function findFeeOrder(db: Queryable, orderRef: string): Promise<StoredFeeOrder | undefined> {
  const { rows } = await db.query<FeeOrderRow>(`${feeOrderSelect} WHERE o.order_ref = $1`, [orderRef]);
  return rows[0] === undefined ? undefined : feeOrderFromRow(rows[0]);
}
