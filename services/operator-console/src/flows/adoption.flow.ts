// The Adoption screen over billing's GET /v1/adoption: a billing cycle's bills paid through the
// gateway, passed through as billing answers it (billing owns what is counted). Any role reads it.
import { ApiError } from '@gateway/contracts';
import type { AdoptionResponse } from '@gateway/contracts';
import type { ServiceClient } from '../clients/service-client.ts';
import type { Operator } from '../domain/operators.ts';

/** Billing among the services the console calls (main.ts names every one). */
export function billingOf(services: Record<string, ServiceClient>): ServiceClient {
  const client = Object.hasOwn(services, 'billing') ? services.billing : undefined;
  if (client === undefined) throw new ApiError('service_unavailable', 'Billing is not configured in this console.');
  return client;
}

export function getAdoption(billing: ServiceClient, operator: Operator, q: { cycle?: string | undefined }): Promise<AdoptionResponse> {
  const path = q.cycle === undefined ? '/v1/adoption' : `/v1/adoption?cycle=${encodeURIComponent(q.cycle)}`;
  return billing.call('GET', path, { person: operator.username });
}
