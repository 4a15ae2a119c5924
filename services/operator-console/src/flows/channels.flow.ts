// The Channels screen: the bank adapter's channels as the browser sees them, and forcing one off or
// on. Acting needs the operator role (or admin); the bank adapter writes the audit row naming the person.
import { ApiError } from '@gateway/contracts';
import type { ServiceClient } from '../clients/service-client.ts';
import { hasRole } from '../domain/operators.ts';
import type { Operator } from '../domain/operators.ts';

export type ConsoleChannel = {
  channelId: string;
  kind: 'bank' | 'wallet';
  displayName: string;
  state: string;
  available: boolean;
  forcedOff: { by: string; at: string; reason: string | null } | null;
};

function forBrowser(channel: ConsoleChannel): ConsoleChannel {
  const { channelId, kind, displayName, state, available, forcedOff } = channel;
  return { channelId, kind, displayName, state, available, forcedOff };
}

export async function listChannels(bankAdapter: ServiceClient, operator: Operator): Promise<ConsoleChannel[]> {
  const { channels } = await bankAdapter.call<{ channels: ConsoleChannel[] }>('GET', '/v1/channels', { person: operator.username });
  return channels.map(forBrowser);
}

export async function switchChannel(bankAdapter: ServiceClient, operator: Operator, request: { channelId: string; to: 'off' | 'on'; reason: string }): Promise<ConsoleChannel> {
  if (!hasRole(operator.role, 'operator')) throw new ApiError('forbidden', 'Forcing a channel off or on needs the operator role.');
  const path = `/v1/channels/${encodeURIComponent(request.channelId)}/force-${request.to}`;
  const channel = await bankAdapter.call<ConsoleChannel>('POST', path, { person: operator.username, body: { reason: request.reason } });
  return forBrowser(channel);
}
