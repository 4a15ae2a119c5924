// One channel as the operator API shows it.
import type { z } from 'zod';
import type { ChannelGateway } from '../channels/channel-gateway.ts';
import type { ChannelDefinition } from '../domain/channel-registry.ts';
import type { channelStatusSchema } from './channel-schemas.ts';

export function channelStatus(gateway: ChannelGateway, channel: ChannelDefinition): z.infer<typeof channelStatusSchema> {
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
