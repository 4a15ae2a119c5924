// An operator takes a channel out of service (every debit to it then fails fast with
// channel_unavailable, no money moved) or puts it back. The switch is a Redis flag every replica
// obeys; the action is written to the append-only audit log and announced as channel.health-changed
// in one Postgres transaction. The flag is set inside that transaction, before the commit, so a
// switch without its audit row cannot stay: if the commit fails, the flag and the view are put back.
//
// Naturally idempotent (the state is the point): a repeat changes nothing, and is still audited,
// because an operator's every action is.
import { appendAudit, withTransaction } from '@gateway/kit';
import type { Pool } from 'pg';
import type { ChannelGateway, ForcedOff } from '../channels/channel-gateway.ts';
import type { ChannelDefinition } from '../domain/channel-registry.ts';
import type { ChannelSwitchStore } from '../store/redis-channel-switch-store.ts';
import { enqueueHealthChange } from './report-channel-health.flow.ts';

export type SwitchChannelPorts = {
  pool: Pool;
  gateway: ChannelGateway;
  switches: ChannelSwitchStore;
  /** Where channel.health-changed goes; channels.results unless a test says otherwise. */
  resultsTopic?: string | undefined;
};

export type SwitchChannelRequest = {
  channelId: string;
  /** The switch to set (forced off), or null to put the channel back in service. */
  to: ForcedOff | null;
  actor: string;
  /** Why, as the operator gave it (forcing on takes one too); recorded in the audit row. */
  reason?: string | null | undefined;
  requestId: string;
  correlationId: string;
};

export type SwitchChannelResult = { kind: 'switched'; channel: ChannelDefinition } | { kind: 'unknown_channel'; message: string };

export async function switchChannel(ports: SwitchChannelPorts, request: SwitchChannelRequest): Promise<SwitchChannelResult> {
  const { gateway, switches } = ports;
  const { channelId, to, actor, requestId, correlationId } = request;
  const channel = gateway.definition(channelId);
  if (channel === undefined) return { kind: 'unknown_channel', message: `No channel ${channelId}.` };
  const previous = gateway.forcedOff(channelId);
  await withTransaction(ports.pool, async (client) => {
    // The shared flag first, then this replica's view: the switch poller skips a channel whose view
    // changed during its Redis read, which only works if that read could not precede this write.
    if (to === null) await switches.forceOn(channelId);
    else await switches.forceOff(channelId, to);
    const change = gateway.setForcedOff(channelId, to);
    await appendAudit(client, {
      actor,
      action: to === null ? 'channel.force-on' : 'channel.force-off',
      target: channelId,
      detail: { changed: change !== null, from: change?.from ?? gateway.state(channelId), to: change?.to ?? gateway.state(channelId), reason: request.reason ?? to?.reason ?? null },
      requestId,
    });
    if (change !== null) await enqueueHealthChange(client, change, { topic: ports.resultsTopic, correlationId, actor });
  }).catch(async (error: unknown) => {
    // Not committed: put the shared flag and this replica's view back as they were.
    gateway.setForcedOff(channelId, previous);
    await (previous === null ? switches.forceOn(channelId) : switches.forceOff(channelId, previous)).catch(() => undefined);
    throw error;
  });
  return { kind: 'switched', channel };
}
