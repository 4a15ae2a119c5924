// Publishes channel.health-changed (channels.results) whenever the state callers see changes: a
// breaker opening, half-opening or closing, or an operator forcing a channel off or on. Through the
// outbox, so an event is never lost to a Kafka hiccup; orchestration keeps its channel_health read
// model from these, and GET /v1/channels there tells portals which channels to offer.
import { createEvent } from '@gateway/contracts';
import { enqueueEvent, withTransaction } from '@gateway/kit';
import type { Logger } from '@gateway/kit';
import type { Pool, PoolClient } from 'pg';
import { v7 as uuidv7 } from 'uuid';
import type { ChannelGateway, HealthChange } from '../channels/channel-gateway.ts';
import { producer } from '../store/pg-debit-store.ts';

export async function enqueueHealthChange(client: PoolClient, change: HealthChange, options: { topic?: string | undefined; correlationId?: string | undefined } = {}): Promise<void> {
  await enqueueEvent(
    client,
    createEvent('channel.health-changed', {
      producer,
      key: change.channelId,
      correlationId: options.correlationId ?? uuidv7(),
      occurredAt: change.at,
      payload: { channelId: change.channelId, state: change.to, previousState: change.from, changedAt: change.at.toISOString(), reason: change.reason?.slice(0, 500) ?? null },
    }),
    options.topic,
  );
}

export type ChannelHealthPublisher = {
  /** Resolves once every change seen so far is in the outbox (or failed to get there and was logged). */
  flush(): Promise<void>;
  stop(): Promise<void>;
};

export function startChannelHealthPublisher(options: { pool: Pool; gateway: ChannelGateway; logger: Logger; topic?: string | undefined }): ChannelHealthPublisher {
  const log = options.logger.child({ component: 'channel-health' });
  // Changes are written one after another, so the outbox (and Kafka, keyed by channel) has them in order.
  let chain: Promise<void> = Promise.resolve();
  const unsubscribe = options.gateway.onHealthChange((change) => {
    chain = chain.then(async () => {
      try {
        await withTransaction(options.pool, (client) => enqueueHealthChange(client, change, { topic: options.topic }));
      } catch (err) {
        log.error({ err, channelId: change.channelId, to: change.to }, 'could not publish a channel health change');
      }
    });
  });
  return {
    flush: () => chain,
    async stop() {
      unsubscribe();
      await chain;
    },
  };
}
