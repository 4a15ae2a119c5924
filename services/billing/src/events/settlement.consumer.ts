// Settles bills from payment.completed and undoes them on payment.reversed, a batch at a time: kit's
// batch consumer hands over one partition's messages in offset order, inside one Postgres
// transaction whose inbox rows it has written already (so Kafka's at-least-once delivery applies
// each event once; the bill_payments key also stops the same payment applied twice under two event
// ids). flows/settle-batch.flow.ts applies them; what each did is logged and counted here, after the
// commit, so nothing is said of a batch that rolled back.
//
// What throws and what does not: business anomalies (unknown bill, over-payment, …) are recorded and
// the event commits, because retrying cannot change them and dead-lettering would hold back the
// allocations that were fine. Infrastructure failures (Postgres down, a deadlock that outlived its
// retries) throw, so the kit's consumer retries with backoff (splitting the batch until the event
// that fails is alone) and, if they persist, dead-letters that event where an operator can replay it
// once the cause is fixed. Nothing is lost either way.
import type { AnyEvent } from '@gateway/contracts';
import { createBatchConsumer } from '@gateway/kit';
import type { BatchHandler, EventConsumer, Logger } from '@gateway/kit';
import type { Kafka } from 'kafkajs';
import type { Pool } from 'pg';
import { Counter } from 'prom-client';
import type { Registry } from 'prom-client';
import type { SettlementReport } from '../domain/bill-settlement.ts';
import type { LateFeePolicy } from '../domain/late-fee-policy.ts';
import { settleBatch, settlementTransactionRetries } from '../flows/settle-batch.flow.ts';
import type { SettlementEvent } from '../flows/settle-batch.flow.ts';

/** The inbox name: stays the same whatever the consumer group is called, so a renamed group never re-applies. */
export const settlementInbox = 'billing.settlement';

export type SettlementHandlerDeps = {
  logger: Logger;
  policy: LateFeePolicy;
  registry?: Registry;
  clock?: () => Date;
};

export type SettlementConsumerDeps = SettlementHandlerDeps & {
  kafka: Kafka;
  pool: Pool;
  /** `payments.payments` in production; tests use a topic of their own. */
  topic: string;
  groupId: string;
  /** Partitions settled at once (config KAFKA_CONSUMER_CONCURRENCY). */
  partitionsConsumedConcurrently?: number;
  /** Passed through to kit's createBatchConsumer (timeouts, attempts) for tests. */
  consumerOptions?: { sessionTimeoutMs?: number; heartbeatIntervalMs?: number; rebalanceTimeoutMs?: number; maxAttempts?: number; maxBatchSize?: number };
};

function counter(registry: Registry | undefined, name: string, help: string, labelNames: string[]): Counter {
  const existing = registry?.getSingleMetric(name);
  if (existing) return existing as Counter;
  return new Counter({ name, help, labelNames, registers: registry ? [registry] : [] });
}

function isSettlementEvent(event: AnyEvent): event is SettlementEvent {
  // Other types on the topic are not billing's business; skipping them is not an error.
  return event.type === 'payment.completed' || event.type === 'payment.reversed';
}

export function createSettlementHandler(deps: SettlementHandlerDeps): BatchHandler {
  const log = deps.logger.child({ component: 'settlement' });
  const clock = deps.clock ?? (() => new Date());
  const unapplied = counter(deps.registry, 'billing_unapplied_payments_total', 'Allocations (or parts) that could not be applied to a bill, by reason.', ['reason', 'kind']);
  const outcomes = counter(deps.registry, 'billing_settlement_bills_total', 'Bills changed by settlement, by outcome.', ['outcome']);

  function report(event: AnyEvent, kind: 'payment' | 'reversal', result: SettlementReport): void {
    outcomes.inc({ outcome: 'settled' }, result.settled.length);
    outcomes.inc({ outcome: 'partial' }, result.partial.length);
    outcomes.inc({ outcome: 'reopened' }, result.reopened.length);
    for (const item of result.unapplied) {
      unapplied.inc({ reason: item.reason, kind });
      log.warn(
        { eventId: event.eventId, eventType: event.type, billId: item.billId, reason: item.reason, amount: item.amount },
        'money not applied to a bill: recorded in billing_unapplied_payments',
      );
    }
    if (result.alreadyApplied.length > 0) {
      log.info({ eventId: event.eventId, billIds: result.alreadyApplied }, 'payment already applied under another event id: skipped');
    }
    log.info({ eventId: event.eventId, eventType: event.type, settled: result.settled, partial: result.partial, reopened: result.reopened }, 'settlement applied');
  }

  return async (client, messages) => {
    const events = messages.map((m) => m.event).filter(isSettlementEvent);
    const settled = await settleBatch(client, { policy: deps.policy, clock }, events);
    return () => {
      for (const { event, kind, report: result } of settled) report(event, kind, result);
    };
  };
}

export function createSettlementConsumer(deps: SettlementConsumerDeps): EventConsumer {
  return createBatchConsumer({
    kafka: deps.kafka,
    pool: deps.pool,
    inbox: settlementInbox,
    groupId: deps.groupId,
    topics: [deps.topic],
    logger: deps.logger,
    registry: deps.registry,
    handleBatch: createSettlementHandler(deps),
    transactionRetries: settlementTransactionRetries,
    partitionsConsumedConcurrently: deps.partitionsConsumedConcurrently,
    ...deps.consumerOptions,
  });
}
