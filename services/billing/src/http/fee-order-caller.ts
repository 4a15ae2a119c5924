// Who may order and read fee orders (docs/api.md, "Government fees"): the citizen portal, for any fee
// biller, and an issuing authority's own biller client (clients.json names its billerId), for its own
// biller only. The telecom's billing system is a biller client too, but bound to no fee biller.
import { ApiError } from '@gateway/contracts';
import { requireClientKind } from '@gateway/kit';
import type { FastifyRequest } from 'fastify';

export type FeeOrderCaller = { clientId: string; onlyBiller?: string };

export function feeOrderCaller(request: FastifyRequest): FeeOrderCaller {
  const client = requireClientKind(request, ['portal', 'biller']);
  if (client.kind === 'portal') return { clientId: client.clientId };
  if (client.billerId === undefined) throw new ApiError('forbidden', `${client.clientId} is not the client of a fee biller.`);
  return { clientId: client.clientId, onlyBiller: client.billerId };
}
