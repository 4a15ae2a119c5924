// The telecom's own billing routes (bill import, accounts, entity statements) are for the telecom's
// billing system and operators. A biller client bound to a fee biller by clients.json (an issuing
// authority such as civil-registry) is a biller client too, but its business here is its own fee
// orders only: it must not import telecom bills nor read subscribers' accounts.
import { ApiError } from '@gateway/contracts';
import type { ClientKind } from '@gateway/contracts';
import { requireClientKind } from '@gateway/kit';
import type { AuthenticatedClient } from '@gateway/kit';
import type { FastifyRequest } from 'fastify';

export function requireTelecomCaller(request: FastifyRequest, kinds: readonly ClientKind[]): AuthenticatedClient {
  const client = requireClientKind(request, kinds);
  if (client.kind === 'biller' && client.billerId !== undefined) {
    throw new ApiError('forbidden', `${client.clientId} is the client of fee biller ${client.billerId}: it may only order and read that biller's fee orders.`);
  }
  return client;
}
