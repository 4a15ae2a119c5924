// Keeps each channel's breaker state from channel.health-changed and channel.health-reported
// (channels.results), so GET /v1/channels and intent creation know which channels are up without
// asking the bank adapter (flows/apply-channel-health.flow.ts). A batch is applied in one transaction,
// event by event in offset order: a handful of channels, so there is nothing to gain set-wise.
import { createBatchConsumer } from '@gateway/kit';
import type { BatchHandler, EventConsumer, Logger } from '@gateway/kit';
import type { Kafka } from 'kafkajs';
import type { Pool } from 'pg';
import type { Registry } from 'prom-client';
import { applyChannelHealthEvent } from '../flows/apply-channel-health.flow.ts';
import type { ConsumerTuning } from './bill-read-model.consumer.ts';

export const channelHealthInbox = 'payments.channel-health';

export function createChannelHealthBatchHandler(): BatchHandler {
  return async (client, messages) => {
    for (const { event } of messages) {
      if (event.type === 'channel.health-changed' || event.type === 'channel.health-reported') await applyChannelHealthEvent(client, event);
    }
  };
}

export function createChannelHealthConsumer(deps: {
  pool: Pool;
  kafka: Kafka;
  logger: Logger;
  registry?: Registry;
  topic: string;
  groupId: string;
  consumerOptions?: ConsumerTuning;
}): EventConsumer {
  return createBatchConsumer({
    kafka: deps.kafka,
    pool: deps.pool,
    inbox: channelHealthInbox,
    groupId: deps.groupId,
    topics: [deps.topic],
    logger: deps.logger,
    registry: deps.registry,
    handleBatch: createChannelHealthBatchHandler(),
    ...deps.consumerOptions,
  });
}
