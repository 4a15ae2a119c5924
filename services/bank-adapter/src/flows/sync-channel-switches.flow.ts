// Brings this replica's view of the operators' off switches in line with Redis, where they live (the
// replica that took the operator's request applied it at once; the others follow through this).
import type { Logger } from '@gateway/kit';
import type { ChannelGateway } from '../channels/channel-gateway.ts';
import type { ChannelSwitchStore } from '../store/redis-channel-switch-store.ts';

export async function syncChannelSwitches(ports: { switches: ChannelSwitchStore; gateway: ChannelGateway; logger: Logger }): Promise<void> {
  const ids = ports.gateway.registry.channels.map((c) => c.channelId);
  // A switch this replica took while Redis was being read is newer than what the read returned (the
  // switch writes Redis before its own view): leave that channel to the next round, or the answer to
  // the operator's request would show the old state for one interval.
  const versions = new Map(ids.map((id) => [id, ports.gateway.switchVersion(id)]));
  const flags = await ports.switches.read(ids);
  for (const id of ids) {
    if (ports.gateway.switchVersion(id) !== versions.get(id)) continue;
    const change = ports.gateway.setForcedOff(id, flags.get(id) ?? null);
    if (change !== null) ports.logger.info({ channelId: id, from: change.from, to: change.to }, 'operator switch applied from the shared flag');
  }
}
