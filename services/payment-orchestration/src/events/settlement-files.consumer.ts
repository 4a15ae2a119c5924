// Reconciles each settlement file the bank adapter announces (channel.settlement-file-fetched on
// channels.results; flows/reconcile-settlement-file.flow.ts). Its own consumer group, so reading a
// day's file never holds up the intents' debit results on the same topic. Through the inbox in one
// transaction per batch (kit's batch consumer): a redelivered event applies nothing twice, and a file
// the adapter cannot serve right now throws, so the batch is retried and, if it persists, dead-lettered.
import { createBatchConsumer } from '@gateway/kit';
import type { BatchHandler, EventConsumer, Logger } from '@gateway/kit';
import type { Kafka } from 'kafkajs';
import type { Pool } from 'pg';
import type { Registry } from 'prom-client';
import { reconcileSettlementFile } from '../flows/reconcile-settlement-file.flow.ts';
import type { ReconcileDeps } from '../flows/reconcile-settlement-file.flow.ts';
import type { ConsumerTuning } from './bill-read-model.consumer.ts';

export const reconciliationInbox = 'payments.reconciliation';

export function createSettlementFilesBatchHandler(deps: ReconcileDeps & { logger: Logger }): BatchHandler {
  const log = deps.logger.child({ component: 'reconciliation' });
  return async (client, messages) => {
    for (const { event } of messages) {
      if (event.type !== 'channel.settlement-file-fetched') continue;
      const outcome = await reconcileSettlementFile(client, event, deps);
      log.info({ channelId: event.payload.channelId, businessDate: event.payload.businessDate, fileId: event.payload.fileId, outcome }, 'settlement file reconciled');
    }
  };
}

export function createSettlementFilesConsumer(
  deps: ReconcileDeps & { pool: Pool; kafka: Kafka; logger: Logger; registry?: Registry; topic: string; groupId: string; consumerOptions?: ConsumerTuning },
): EventConsumer {
  return createBatchConsumer({
    kafka: deps.kafka,
    pool: deps.pool,
    inbox: reconciliationInbox,
    groupId: deps.groupId,
    topics: [deps.topic],
    logger: deps.logger,
    registry: deps.registry,
    handleBatch: createSettlementFilesBatchHandler(deps),
    ...deps.consumerOptions,
  });
}
