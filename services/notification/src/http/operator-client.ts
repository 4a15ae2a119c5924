// Notification's API is for operators only (the dashboard, on an operator's behalf): campaigns text
// whole regions and opt-outs are subscribers' personal choices, so banks, wallets, the portal and
// billing never reach it. Every route asks for a signed operator client.
import { ApiError } from '@gateway/contracts';
import { requireClient } from '@gateway/kit';
import type { AuthenticatedClient } from '@gateway/kit';
import type { FastifyRequest } from 'fastify';

export function requireOperator(request: FastifyRequest): AuthenticatedClient {
  const client = requireClient(request);
  if (client.kind !== 'operator') throw new ApiError('forbidden', `This route is for operator clients; ${client.clientId} is a ${client.kind} client.`);
  return client;
}
