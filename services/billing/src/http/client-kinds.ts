// Which kinds of client may call billing's routes. Billing's API is for the telecom's billing system
// and for operators; banks, wallets and the portal read bills through payment orchestration instead.
import { ApiError } from '@gateway/contracts';
import type { ClientKind } from '@gateway/contracts';
import { requireClient } from '@gateway/kit';
import type { AuthenticatedClient } from '@gateway/kit';
import type { FastifyRequest } from 'fastify';

export function requireClientKind(request: FastifyRequest, kinds: readonly ClientKind[]): AuthenticatedClient {
  const client = requireClient(request);
  if (!kinds.includes(client.kind)) {
    throw new ApiError('forbidden', `This route is for ${kinds.join(' or ')} clients; ${client.clientId} is a ${client.kind} client.`);
  }
  return client;
}
