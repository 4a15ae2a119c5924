// Keeps each channel's breaker state from channel.health-changed and channel.health-reported
// (channels.results), so GET /v1/channels and intent creation know which channels are up without
// asking the bank adapter (flows/apply-channel-health.flow.ts).
import { createConsumer, handleOnce } from '@gateway/kit';
import type { EventConsumer, EventHandler, Logger } from '@gateway/kit';
import type { Kafka } from 'kafkajs';
import type { Pool } from 'pg';
import type { Registry } from 'prom-client';
import { applyChannelHealthEvent } from '../flows/apply-channel-health.flow.ts';

export const channelHealthInbox = 'payments.channel-health';

export function createChannelHealthHandler(deps: { pool: Pool }): EventHandler {
  return async (event) => {
    if (event.type === 'channel.health-changed') {
      await handleOnce(deps.pool, channelHealthInbox, event, (client) => applyChannelHealthEvent(client, event));
    } else if (event.type === 'channel.health-reported') {
      // No inbox row: applying a report twice changes nothing (the latest reportedAt wins), and every
      // channel is reported every 30 s, which would only fill the inbox.
      await applyChannelHealthEvent(deps.pool, event);
    }
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
