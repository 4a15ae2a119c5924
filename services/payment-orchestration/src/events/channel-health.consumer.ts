// Keeps each channel's breaker state from channel.health-changed (channels.results), so GET
// /v1/channels tells a portal which channels are up without asking the bank adapter.
import { createConsumer, handleOnce } from '@gateway/kit';
import type { EventConsumer, EventHandler, Logger } from '@gateway/kit';
import type { Kafka } from 'kafkajs';
import type { Pool } from 'pg';
import type { Registry } from 'prom-client';
import { applyChannelHealth } from '../store/pg-channel-health-store.ts';

export const channelHealthInbox = 'payments.channel-health';

export function createChannelHealthHandler(deps: { pool: Pool }): EventHandler {
  return async (event) => {
    if (event.type !== 'channel.health-changed') return;
    await handleOnce(deps.pool, channelHealthInbox, event, (client) => applyChannelHealth(client, event.payload));
  };
}

export function createChannelHealthConsumer(deps: { pool: Pool; kafka: Kafka; logger: Logger; registry?: Registry; topic: string; groupId: string }): EventConsumer {
  return createConsumer({
    kafka: deps.kafka,
    groupId: deps.groupId,
    topics: [deps.topic],
    logger: deps.logger,
    registry: deps.registry,
    handler: createChannelHealthHandler(deps),
  });
}
