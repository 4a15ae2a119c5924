// GET /v1/fee-orders's use case (operators): fee orders newest first, each as its authority sees it.
import type { FeeOrderList, FeeOrderStatus } from '@gateway/contracts';
import type { Queryable } from '@gateway/kit';
import { listFeeOrders as listStoredFeeOrders } from '../store/pg-fee-order-list-store.ts';
import { feeOrderView } from './get-fee-order.flow.ts';

export async function listFeeOrders(db: Queryable, q: { billerId?: string | undefined; status?: FeeOrderStatus | undefined; limit: number }, now: Date): Promise<FeeOrderList> {
  // One more than asked, to tell the caller whether more match.
  const orders = await listStoredFeeOrders(db, { ...q, now, limit: q.limit + 1 });
  return { orders: orders.slice(0, q.limit).map((order) => feeOrderView(order, now)), more: orders.length > q.limit };
}
