// The collections screen's figures, added up by Postgres in one statement: no bill or payment row
// leaves the database, only one row per (biller, service, currency).
import type { Queryable } from '@gateway/kit';
import type { CollectionRow, CollectionsRange } from '../domain/collections.ts';

type CollectionSqlRow = { biller_id: string; service_code: string; currency: string; bills_issued: number; amount_issued: string; bills_paid: number; amount_collected: string };

// A payment row still standing: applied money with no reversal row for the same payment and bill.
const standingPayment = (p: string) => `${p}.kind = 'payment' AND ${p}.applied_amount > 0
  AND NOT EXISTS (SELECT 1 FROM bill_payments r WHERE r.payment_id = ${p}.payment_id AND r.bill_id = ${p}.bill_id AND r.kind = 'reversal')`;

/**
 * Per biller, service and currency over the range: bills issued in it (not canceled or reversed by the biller),
 * bills paid in full now whose completing payment (the latest standing one) was made in it, and the
 * money the standing payments made in it put on the biller's bills.
 */
export async function collectionsByBiller(db: Queryable, range: CollectionsRange): Promise<CollectionRow[]> {
  const { rows } = await db.query<CollectionSqlRow>(
    // A bill's service is its fee order's ('' where it is not one, so the full joins match on it).
    `WITH standing AS (
       SELECT p.bill_id, p.currency, p.applied_amount FROM bill_payments p
       WHERE p.occurred_at >= $3 AND p.occurred_at < $4 AND ${standingPayment('p')}
     ),
     issued AS (
       SELECT b.biller_id, COALESCE(o.service_code, '') AS service_code, b.currency, count(*)::int AS bills, sum(b.amount) AS amount
       FROM bills b LEFT JOIN fee_orders o ON o.bill_id = b.bill_id
       WHERE b.issue_date >= $1::date AND b.issue_date <= $2::date AND b.status NOT IN ('canceled', 'reversed')
       GROUP BY 1, 2, 3
     ),
     collected AS (
       SELECT b.biller_id, COALESCE(o.service_code, '') AS service_code, s.currency, sum(s.applied_amount) AS amount
       FROM standing s JOIN bills b ON b.bill_id = s.bill_id LEFT JOIN fee_orders o ON o.bill_id = b.bill_id
       GROUP BY 1, 2, 3
     ),
     paid AS (
       -- Paid now, with a standing payment in the range and none after it: the range's payment completed it.
       SELECT b.biller_id, COALESCE(o.service_code, '') AS service_code, b.currency, count(*)::int AS bills
       FROM bills b LEFT JOIN fee_orders o ON o.bill_id = b.bill_id
       WHERE b.status = 'paid' AND b.bill_id IN (SELECT bill_id FROM standing)
         AND NOT EXISTS (SELECT 1 FROM bill_payments l WHERE l.bill_id = b.bill_id AND l.occurred_at >= $4 AND ${standingPayment('l')})
       GROUP BY 1, 2, 3
     )
     SELECT biller_id, service_code, currency,
            COALESCE(i.bills, 0) AS bills_issued, COALESCE(i.amount, 0)::text AS amount_issued,
            COALESCE(p.bills, 0) AS bills_paid, COALESCE(c.amount, 0)::text AS amount_collected
     FROM issued i FULL JOIN collected c USING (biller_id, service_code, currency) FULL JOIN paid p USING (biller_id, service_code, currency)
     ORDER BY biller_id, service_code, currency`,
    [range.from, range.to, range.since, range.until],
  );
  return rows.map((r) => ({
    billerId: r.biller_id,
    serviceCode: r.service_code === '' ? null : r.service_code,
    currency: r.currency,
    billsIssued: r.bills_issued,
    amountIssued: BigInt(r.amount_issued),
    billsPaid: r.bills_paid,
    amountCollected: BigInt(r.amount_collected),
  }));
}
