// Writing the state callers see for each channel to the outbox (channels.results), in the two forms
// orchestration keeps its channel_health read model from (jobs/channel-health.publisher.ts says when):
// - channel.health-changed for each change;
// - channel.health-reported for every channel, changed or not, with since when it is in that state.
// The changes and the report are one transaction, so they reach the outbox (and Kafka, keyed by
// channel) in order.
import { createEvent } from '@gateway/contracts';
import type { BreakerState } from '@gateway/contracts';
import { enqueueEvent, withTransaction } from '@gateway/kit';
import type { Pool, PoolClient } from 'pg';
import { v7 as uuidv7 } from 'uuid';
import type { ChannelGateway, HealthChange } from '../channels/channel-gateway.ts';
import { serviceName } from '../service-name.ts';
import { insertHealthTransition } from '../store/pg-channel-stats-store.ts';

/**
 * Announces a change as channel.health-changed and keeps it in the channel's history, in the
 * caller's transaction: the operators' history holds exactly the changes that were announced.
 * `actor` names the operator of a forced change.
 */
export async function enqueueHealthChange(
  client: PoolClient,
  change: HealthChange,
  options: { topic?: string | undefined; correlationId?: string | undefined; actor?: string | undefined } = {},
): Promise<void> {
  const reason = change.reason?.slice(0, 500) ?? null;
  await insertHealthTransition(client, { channelId: change.channelId, from: change.from, to: change.to, at: change.at, reason, actor: options.actor ?? null });
  await enqueueEvent(
    client,
    createEvent('channel.health-changed', {
      producer: serviceName,
      key: change.channelId,
      correlationId: options.correlationId ?? uuidv7(),
      occurredAt: change.at,
      payload: { channelId: change.channelId, state: change.to, previousState: change.from, changedAt: change.at.toISOString(), reason },
    }),
    options.topic,
  );
}

export type ChannelHealthPorts = {
  pool: Pool;
  gateway: ChannelGateway;
  now: () => Date;
  topic?: string | undefined;
};

/** Since when each channel is in the state callers see, as far as this process knows. */
export type KnownChannelStates = Map<string, { state: BreakerState; since: Date }>;

/**
 * Writes the changes (and, with `report`, every channel's state) in one transaction; `known` is
 * brought up to date with the states reported.
 */
export async function reportChannelHealth(ports: ChannelHealthPorts, input: { changes: readonly HealthChange[]; report: boolean; known: KnownChannelStates }): Promise<void> {
  const { changes, known } = input;
  if (changes.length === 0 && !input.report) return;
  const now = ports.now();
  await withTransaction(ports.pool, async (client) => {
    for (const change of changes) await enqueueHealthChange(client, change, { topic: ports.topic });
    if (!input.report) return;
    for (const [channelId, state] of Object.entries(ports.gateway.states())) {
      const last = known.get(channelId);
      const since = last !== undefined && last.state === state ? last.since : now;
      known.set(channelId, { state, since });
      await enqueueEvent(
        client,
        createEvent('channel.health-reported', {
          producer: serviceName,
          key: channelId,
          correlationId: uuidv7(),
          occurredAt: now,
          payload: { channelId, state, since: since.toISOString(), reportedAt: now.toISOString() },
        }),
        ports.topic,
      );
    }
  });
}
