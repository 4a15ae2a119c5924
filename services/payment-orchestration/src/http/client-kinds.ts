// Which kinds of client may call which routes: channels (banks, wallets) notify payments and read
// their statements; the portal creates intents; anyone signed in may read the catalogues.
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

/** A channel client and the channel it is: payments and statements are always that channel's own. */
export function requireChannelClient(request: FastifyRequest): AuthenticatedClient & { channelId: string } {
  const client = requireClientKind(request, ['channel']);
  if (client.channelId === undefined) throw new ApiError('forbidden', `Client ${client.clientId} is not bound to a channel.`);
  return { ...client, channelId: client.channelId };
}
