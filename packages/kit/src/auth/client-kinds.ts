// Which kind of client a route is for. Every service's routes ask the same question of the signed
// caller, and a refusal must read the same everywhere (403 forbidden naming the caller's kind).
import { ApiError } from '@gateway/contracts';
import type { ClientKind } from '@gateway/contracts';
import type { FastifyRequest } from 'fastify';
import type { AuthenticatedClient } from './clients.ts';
import { requireClient } from './signature-auth.ts';

export function requireClientKind(request: FastifyRequest, kinds: readonly ClientKind[]): AuthenticatedClient {
  const client = requireClient(request);
  if (!kinds.includes(client.kind)) {
    throw new ApiError('forbidden', `This route is for ${kinds.join(' or ')} clients; ${client.clientId} is a ${client.kind} client.`);
  }
  return client;
}

/** Operator routes (the console, on an operator's behalf): banks, wallets, the portal and billers never reach them. */
export function requireOperator(request: FastifyRequest): AuthenticatedClient {
  return requireClientKind(request, ['operator']);
}

/**
 * Who an operator action is by, for the audit log and the record it changes: the person the console
 * signed in (`operator-console/alice`), or the client alone when it names nobody.
 */
export function operatorActor(client: AuthenticatedClient): string {
  return client.person === undefined ? client.clientId : `${client.clientId}/${client.person}`;
}
