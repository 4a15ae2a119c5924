// Moves payment intents on the bank adapter's results (channels.results): a debit's result
// (flows/apply-debit-result.flow.ts: OTP requested, succeeded, failed, unknown) or a refund's
// (flows/apply-refund-result.flow.ts). A batch of one partition's results runs through the inbox in one
// transaction (kit's batch consumer), so Kafka's at-least-once delivery applies each once; within it
// the results are applied one by one in offset order, each locking its intent as it always did.
//
// What throws: only infrastructure failures, so the kit's consumer retries and, if they persist,
// dead-letters the event where it can be replayed. Stale or contradictory results are values.
import { createBatchConsumer } from '@gateway/kit';
import type { BatchHandler, EventConsumer, Logger } from '@gateway/kit';
import type { Kafka } from 'kafkajs';
import type { Pool } from 'pg';
import { Counter } from 'prom-client';
import type { Registry } from 'prom-client';
import { applyDebitResult, isDebitResult } from '../flows/apply-debit-result.flow.ts';
import type { ApplyDebitResultDeps } from '../flows/apply-debit-result.flow.ts';
import { applyRefundResult, isRefundResult } from '../flows/apply-refund-result.flow.ts';
import type { ConsumerTuning } from './bill-read-model.consumer.ts';

/** The inbox name: stays the same whatever the consumer group is called, so a renamed group never re-applies. */
export const channelResultsInbox = 'payments.channel-results';

export type ChannelResultsHandlerDeps = ApplyDebitResultDeps & {
  logger: Logger;
  registry?: Registry | undefined;
  clock?: (() => Date) | undefined;
};

function counter(registry: Registry | undefined, name: string, help: string, labelNames: string[]): Counter {
  const existing = registry?.getSingleMetric(name);
  if (existing) return existing as Counter;
  return new Counter({ name, help, labelNames, registers: registry ? [registry] : [] });
}


export type ChannelResultsConsumerDeps = ChannelResultsHandlerDeps & {
  pool: Pool;
  kafka: Kafka;
  /** `channels.results` in production; tests use a topic of their own. */
  topic: string;
  /** `payments.channel-results` in production. */
  groupId: string;
  consumerOptions?: ConsumerTuning;
};

export function createChannelResultsBatchHandler(deps: ChannelResultsHandlerDeps): BatchHandler {
  const log = deps.logger.child({ component: 'channel-results' });
  const clock = deps.clock ?? (() => new Date());
  const results = counter(deps.registry, 'payments_intent_results_total', 'Channel results applied to payment intents, by type and outcome.', ['type', 'outcome']);

  return async (client, messages) => {
    // Said only once the batch committed: a batch rolled back (and split, or retried) applied nothing.
    const applied: { labels: { type: string; outcome: string }; fields: Record<string, unknown>; reconciliation: boolean }[] = [];
    for (const { event } of messages) {
      // channel.health-* is the channel-health consumer's business.
      if (isRefundResult(event) || isDebitResult(event)) {
        const { outcome, intent } = isRefundResult(event) ? await applyRefundResult(client, event, deps, clock()) : await applyDebitResult(client, event, deps, clock());
        const kind = outcome.startsWith('ignored') ? 'ignored' : outcome.startsWith('reconciliation') || outcome === 'queued_unmatched' ? 'reconciliation' : outcome;
        applied.push({
          labels: { type: event.type, outcome: kind },
          fields: { eventId: event.eventId, eventType: event.type, intentId: event.payload.intentId, status: intent?.status, outcome },
          reconciliation: kind === 'reconciliation',
        });
      }
    }
    return () => {
      for (const a of applied) {
        results.inc(a.labels);
        if (a.reconciliation) log.warn(a.fields, 'intent sent to reconciliation');
        else log.info(a.fields, 'channel result applied');
      }
    };
  };
}

export function createChannelResultsConsumer(deps: ChannelResultsConsumerDeps): EventConsumer {
  return createBatchConsumer({
    kafka: deps.kafka,
    pool: deps.pool,
    inbox: channelResultsInbox,
    groupId: deps.groupId,
    topics: [deps.topic],
    logger: deps.logger,
    registry: deps.registry,
    handleBatch: createChannelResultsBatchHandler(deps),
    ...deps.consumerOptions,
  });
}
