// The Fees and collections screen over billing's operator routes: collections per biller for a range of
// Damascus days, passed through as billing answers them (billing owns what is counted). Any role reads.
import type { BusinessDate, CollectionsResponse } from '@gateway/contracts';
import type { ServiceClient } from '../clients/service-client.ts';
import type { Operator } from '../domain/operators.ts';

export function getCollections(billing: ServiceClient, operator: Operator, q: { from?: BusinessDate | undefined; to?: BusinessDate | undefined }): Promise<CollectionsResponse> {
  const query = new URLSearchParams();
  if (q.from !== undefined) query.set('from', q.from);
  if (q.to !== undefined) query.set('to', q.to);
  const search = query.toString();
  return billing.call('GET', search === '' ? '/v1/collections' : `/v1/collections?${search}`, { person: operator.username });
}
