// Keeps the payable-bills read model from bill.* events (billing.bills), through the inbox, so inquiry
// and payment never call billing and keep working while it is down (docs/design.md). A batch of one
// partition's events is applied in one transaction and one upsert (flows/apply-bill-events.flow.ts):
// a bill import of 100,000 bills must reach the channels in seconds, not one commit per bill.
import { createBatchConsumer } from '@gateway/kit';
import type { BatchHandler, CreateBatchConsumerOptions, EventConsumer, Logger } from '@gateway/kit';
import type { Kafka } from 'kafkajs';
import type { Pool } from 'pg';
import type { Registry } from 'prom-client';
import { applyBillEvents, isBillEvent } from '../flows/apply-bill-events.flow.ts';

/** The inbox name: stable whatever the consumer group is called, so a renamed group never re-applies. */
export const billReadModelInbox = 'payments.bill-read-model';

/** What main.ts and tests may tune of a consumer. */
export type ConsumerTuning = Partial<
  Pick<CreateBatchConsumerOptions, 'sessionTimeoutMs' | 'heartbeatIntervalMs' | 'rebalanceTimeoutMs' | 'maxAttempts' | 'backoff' | 'partitionsConsumedConcurrently' | 'maxBatchSize'>
>;

export type BillReadModelConsumerDeps = {
  pool: Pool;
  logger: Logger;
  kafka: Kafka;
  registry?: Registry;
  topic: string;
  groupId: string;
  consumerOptions?: ConsumerTuning;
};

export function createBillReadModelBatchHandler(deps: { logger: Logger }): BatchHandler {
  const log = deps.logger.child({ component: 'bill-read-model' });
  return async (client, messages) => {
    const events = messages.map((m) => m.event).filter(isBillEvent);
    const { applied, stale } = await applyBillEvents(client, events);
    return () => {
      if (stale > 0) log.debug({ events: events.length, applied, stale }, 'older snapshots ignored');
    };
  };
}

export function createBillReadModelConsumer(deps: BillReadModelConsumerDeps): EventConsumer {
  return createBatchConsumer({
    kafka: deps.kafka,
    pool: deps.pool,
    inbox: billReadModelInbox,
    groupId: deps.groupId,
    topics: [deps.topic],
    logger: deps.logger,
    registry: deps.registry,
    handleBatch: createBillReadModelBatchHandler(deps),
    ...deps.consumerOptions,
  });
}
