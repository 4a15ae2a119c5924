// The fee orders part of the Fees and collections screen over billing's GET /v1/fee-orders, passed
// through as billing answers it. Any role reads.
import type { FeeOrderList, FeeOrderListQuery } from '@gateway/contracts';
import type { ServiceClient } from '../clients/service-client.ts';
import type { Operator } from '../domain/operators.ts';

export function listFeeOrders(billing: ServiceClient, operator: Operator, q: FeeOrderListQuery): Promise<FeeOrderList> {
  const query = new URLSearchParams({ limit: String(q.limit) });
  if (q.billerId !== undefined) query.set('billerId', q.billerId);
  if (q.status !== undefined) query.set('status', q.status);
  return billing.call('GET', `/v1/fee-orders?${query.toString()}`, { person: operator.username });
}
