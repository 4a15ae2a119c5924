// Moves payment intents on the bank adapter's results (channels.results): a debit's result
// (flows/apply-debit-result.flow.ts: OTP requested, succeeded, failed, unknown) or a refund's
// (flows/apply-refund-result.flow.ts). Each result runs through the inbox (handleOnce), so Kafka's
// at-least-once delivery applies it once.
//
// What throws: only infrastructure failures, so the kit's consumer retries and, if they persist,
// dead-letters the event where it can be replayed. Stale or contradictory results are values.
import { createConsumer, handleOnce } from '@gateway/kit';
import type { EventConsumer, EventHandler, Logger } from '@gateway/kit';
import type { Kafka } from 'kafkajs';
import type { Pool, PoolClient } from 'pg';
import { Counter } from 'prom-client';
import type { Registry } from 'prom-client';
import { applyDebitResult, isDebitResult } from '../flows/apply-debit-result.flow.ts';
import type { ApplyDebitResultDeps } from '../flows/apply-debit-result.flow.ts';
import { applyRefundResult, isRefundResult } from '../flows/apply-refund-result.flow.ts';

/** The inbox name: stays the same whatever the consumer group is called, so a renamed group never re-applies. */
export const channelResultsInbox = 'payments.channel-results';

export type ChannelResultsHandlerDeps = ApplyDebitResultDeps & {
  pool: Pool;
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
  kafka: Kafka;
  /** `channels.results` in production; tests use a topic of their own. */
  topic: string;
  /** `payments.channel-results` in production. */
  groupId: string;
  consumerOptions?: { sessionTimeoutMs?: number; heartbeatIntervalMs?: number; rebalanceTimeoutMs?: number; maxAttempts?: number };
};

export function createChannelResultsHandler(deps: ChannelResultsHandlerDeps): EventHandler {
  const log = deps.logger.child({ component: 'channel-results' });
  const clock = deps.clock ?? (() => new Date());
  const results = counter(deps.registry, 'payments_intent_results_total', 'Channel results applied to payment intents, by type and outcome.', ['type', 'outcome']);

  return async (event) => {
    if (!isDebitResult(event) && !isRefundResult(event)) return; // channel.health-changed is the channel-health consumer's business.
    // A deadlock or serialization failure re-runs the whole transaction: safe, since everything it
    // does (inbox row included) is inside it.
    const apply = (client: PoolClient) => (isRefundResult(event) ? applyRefundResult(client, event, deps, clock()) : applyDebitResult(client, event, deps, clock()));
    const handled = await handleOnce(deps.pool, channelResultsInbox, event, apply, { retries: 3 });
    if (handled.duplicate) {
      log.debug({ eventId: event.eventId }, 'duplicate delivery ignored');
      return;
    }
    const { outcome, intent } = handled.result;
    const kind = outcome.startsWith('ignored') ? 'ignored' : outcome.startsWith('reconciliation') || outcome === 'queued_unmatched' ? 'reconciliation' : outcome;
    results.inc({ type: event.type, outcome: kind });
    const fields = { eventId: event.eventId, eventType: event.type, intentId: event.payload.intentId, status: intent?.status, outcome };
    if (kind === 'reconciliation') log.warn(fields, 'intent sent to reconciliation');
    else log.info(fields, 'channel result applied');
  };
}

export function createChannelResultsConsumer(deps: ChannelResultsConsumerDeps): EventConsumer {
  return createConsumer({
    kafka: deps.kafka,
    groupId: deps.groupId,
    topics: [deps.topic],
    logger: deps.logger,
    registry: deps.registry,
    handler: createChannelResultsHandler(deps),
    ...deps.consumerOptions,
  });
}
