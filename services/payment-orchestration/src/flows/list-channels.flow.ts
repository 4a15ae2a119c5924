// The channels from config/channels.json with their breaker state from the channel-health read model,
// so a portal never offers a channel that is down. A channel the bank adapter never reported on, or
// not for CHANNEL_HEALTH_STALE_AFTER, is closed (available): no news is not an outage.
import type { BreakerState, ChannelsResponse } from '@gateway/contracts';
import type { Queryable } from '@gateway/kit';
import type { ChannelCatalogue } from '../domain/catalogues.ts';
import { channelStates } from '../store/pg-channel-health-store.ts';

export async function listChannels(db: Queryable, deps: { channels: ChannelCatalogue; staleAfterMs: number; now: Date }): Promise<ChannelsResponse> {
  const states = await channelStates(db, { now: deps.now, staleAfterMs: deps.staleAfterMs });
  return {
    channels: deps.channels.channels.map((c) => {
      const state = (states.get(c.channelId) ?? 'closed') as BreakerState;
      // half_open lets trial requests through: offer it, a failure fails fast anyway.
      return { channelId: c.channelId, kind: c.kind, displayName: c.displayName, available: state === 'closed' || state === 'half_open', state };
    }),
  };
}
