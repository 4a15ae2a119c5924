// A channel client (bank or wallet) and the channel it is: payments and statements are always that
// channel's own, so a channel route needs both the kind and the binding.
import { ApiError } from '@gateway/contracts';
import { requireClientKind } from '@gateway/kit';
import type { AuthenticatedClient } from '@gateway/kit';
import type { FastifyRequest } from 'fastify';

export function requireChannelClient(request: FastifyRequest): AuthenticatedClient & { channelId: string } {
  const client = requireClientKind(request, ['channel']);
  if (client.channelId === undefined) throw new ApiError('forbidden', `Client ${client.clientId} is not bound to a channel.`);
  return { ...client, channelId: client.channelId };
}
