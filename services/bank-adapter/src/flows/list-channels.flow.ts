// Every configured channel as the operator API shows it: the state this replica's callers see
// (breaker, or forced off by an operator) and whether a caller may use it.
import type { BreakerState } from '@gateway/contracts';
import type { ChannelGateway, ForcedOff } from '../channels/channel-gateway.ts';
import type { ChannelDefinition } from '../domain/channel-registry.ts';

export type ChannelStatus = {
  channelId: string;
  kind: ChannelDefinition['kind'];
  displayName: string;
  dedupesByReference: boolean;
  state: BreakerState;
  available: boolean;
  forcedOff: ForcedOff | null;
};

export function channelStatus(gateway: ChannelGateway, channel: ChannelDefinition): ChannelStatus {
  const state = gateway.state(channel.channelId);
  return {
    channelId: channel.channelId,
    kind: channel.kind,
    displayName: channel.displayName,
    dedupesByReference: channel.dedupesByReference,
    state,
    // half_open lets a trial call through: a portal may offer it; a failure fails fast anyway.
    available: state === 'closed' || state === 'half_open',
    forcedOff: gateway.forcedOff(channel.channelId),
  };
}

export function listChannels(gateway: ChannelGateway): ChannelStatus[] {
  return gateway.registry.channels.map((c) => channelStatus(gateway, c));
}
