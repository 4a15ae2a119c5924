// The operators' list of fee orders: one fee biller's (or every one's), newest first, filtered by the
// state the order is in now. The state is not stored (domain/fee-order.ts reads it off the bill and the
// clock), so the filter states the same rule in SQL.
import type { FeeOrderStatus } from '@gateway/contracts';
import type { Queryable } from '@gateway/kit';
import { feeOrderFromRow, feeOrderSelect } from './pg-fee-order-store.ts';
import type { FeeOrderRow, StoredFeeOrder } from './pg-fee-order-store.ts';

/** Up to `limit` orders, newest first (by creation, then orderRef). */
export async function listFeeOrders(db: Queryable, q: { billerId?: string | undefined; status?: FeeOrderStatus | undefined; now: Date; limit: number }): Promise<StoredFeeOrder[]> {
  const { rows } = await db.query<FeeOrderRow>(
    `${feeOrderSelect}
     WHERE ($1::text IS NULL OR o.biller_id = $1)
       AND CASE $2::text
             WHEN 'paid' THEN b.status = 'paid'
             WHEN 'cancelled' THEN b.status = 'canceled'
             WHEN 'expired' THEN b.status NOT IN ('paid', 'canceled') AND o.expires_at <= $3
             WHEN 'awaiting_payment' THEN b.status NOT IN ('paid', 'canceled') AND o.expires_at > $3
             ELSE true
           END
     ORDER BY o.created_at DESC, o.order_ref DESC
     LIMIT $4`,
    [q.billerId ?? null, q.status ?? null, q.now, q.limit],
  );
  return rows.map(feeOrderFromRow);
}
