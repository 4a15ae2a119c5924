// The fee orders part of the Fees and collections screen, through the console (any role): billing's
// fee orders, newest first, of one fee biller or all, in a state or any.
import type { FeeOrderList, FeeOrderStatus } from '@gateway/contracts';
import { request } from './api.ts';

export type { FeeOrderList, FeeOrderStatus };

export function listFeeOrders(q: { billerId: string | null; status: FeeOrderStatus | null }): Promise<FeeOrderList> {
  const query = new URLSearchParams({ limit: '100' });
  if (q.billerId !== null) query.set('billerId', q.billerId);
  if (q.status !== null) query.set('status', q.status);
  return request<FeeOrderList>('GET', `/api/fee-orders?${query.toString()}`);
}
