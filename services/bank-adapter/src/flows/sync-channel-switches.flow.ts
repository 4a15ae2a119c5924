// Brings this replica's view of the operators' off switches in line with Redis, where they live (the
// replica that took the operator's request applied it at once; the others follow through this).
import type { Logger } from '@gateway/kit';
import type { ChannelGateway } from '../channels/channel-gateway.ts';
import type { ChannelSwitchStore } from '../store/redis-channel-switch-store.ts';

export async function syncChannelSwitches(ports: { switches: ChannelSwitchStore; gateway: ChannelGateway; logger: Logger }): Promise<void> {
  const ids = ports.gateway.registry.channels.map((c) => c.channelId);
  const flags = await ports.switches.read(ids);
  for (const id of ids) {
    const change = ports.gateway.setForcedOff(id, flags.get(id) ?? null);
    if (change !== null) ports.logger.info({ channelId: id, from: change.from, to: change.to }, 'operator switch applied from the shared flag');
  }
}
