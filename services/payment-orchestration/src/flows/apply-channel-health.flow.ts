// The bank adapter's word on a channel's breaker (channel.health-changed, channel.health-reported)
// applied to the channel-health read model. A change counts as a report made when it happened.
import type { EventOf } from '@gateway/contracts';
import type { Queryable } from '@gateway/kit';
import { applyChannelHealth } from '../store/pg-channel-health-store.ts';

export async function applyChannelHealthEvent(db: Queryable, event: EventOf<'channel.health-changed' | 'channel.health-reported'>): Promise<void> {
  if (event.type === 'channel.health-changed') {
    const p = event.payload;
    await applyChannelHealth(db, { channelId: p.channelId, state: p.state, changedAt: p.changedAt, reportedAt: p.changedAt });
  } else {
    const p = event.payload;
    await applyChannelHealth(db, { channelId: p.channelId, state: p.state, changedAt: p.since, reportedAt: p.reportedAt });
  }
}
