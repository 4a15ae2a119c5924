// Settles bills from payment.completed and undoes them on payment.reversed: each event goes to its
// flow (flows/apply-payment.flow.ts, flows/apply-reversal.flow.ts), and what the flow did is logged
// and counted here. Each flow runs its event through the inbox (handleOnce), so Kafka's
// at-least-once delivery applies it once; the bill_payments key also stops the same payment applied
// twice under two event ids.
//
// What throws and what does not: business anomalies (unknown bill, over-payment, …) are recorded and
// the event commits, because retrying cannot change them and dead-lettering would hold back the
// allocations that were fine. Infrastructure failures (Postgres down, a deadlock that outlived its
// retries) throw, so the kit's consumer retries with backoff and, if they persist, dead-letters the
// event where an operator can replay it once the cause is fixed. Nothing is lost either way.
import type { AnyEvent } from '@gateway/contracts';
import { createConsumer } from '@gateway/kit';
import type { EventConsumer, EventHandler, Logger } from '@gateway/kit';
import type { Kafka } from 'kafkajs';
import type { Pool } from 'pg';
import { Counter } from 'prom-client';
import type { Registry } from 'prom-client';
import type { SettlementReport } from '../domain/bill-settlement.ts';
import type { LateFeePolicy } from '../domain/late-fee-policy.ts';
import { applyPayment } from '../flows/apply-payment.flow.ts';
import { applyReversal } from '../flows/apply-reversal.flow.ts';

/** The inbox name: stays the same whatever the consumer group is called, so a renamed group never re-applies. */
export const settlementInbox = 'billing.settlement';

export type SettlementHandlerDeps = {
  pool: Pool;
  logger: Logger;
  policy: LateFeePolicy;
  registry?: Registry;
  clock?: () => Date;
};

export type SettlementConsumerDeps = SettlementHandlerDeps & {
  kafka: Kafka;
  /** `payments.payments` in production; tests use a topic of their own. */
  topic: string;
  groupId: string;
  /** Passed through to kit's createConsumer (timeouts, attempts) for tests. */
  consumerOptions?: { sessionTimeoutMs?: number; heartbeatIntervalMs?: number; rebalanceTimeoutMs?: number; maxAttempts?: number };
};

function counter(registry: Registry | undefined, name: string, help: string, labelNames: string[]): Counter {
  const existing = registry?.getSingleMetric(name);
  if (existing) return existing as Counter;
  return new Counter({ name, help, labelNames, registers: registry ? [registry] : [] });
}

export function createSettlementHandler(deps: SettlementHandlerDeps): EventHandler {
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

  const flowDeps = { pool: deps.pool, policy: deps.policy, inbox: settlementInbox, clock };
  return async (event) => {
    switch (event.type) {
      case 'payment.completed': {
        const result = await applyPayment(flowDeps, event);
        if (result.duplicate) log.debug({ eventId: event.eventId }, 'duplicate delivery ignored');
        else report(event, 'payment', result.result);
        return;
      }
      case 'payment.reversed': {
        const result = await applyReversal(flowDeps, event);
        if (result.duplicate) log.debug({ eventId: event.eventId }, 'duplicate delivery ignored');
        else report(event, 'reversal', result.result);
        return;
      }
      default:
        // Other types on the topic are not billing's business; skipping them is not an error.
        return;
    }
  };
}

export function createSettlementConsumer(deps: SettlementConsumerDeps): EventConsumer {
  return createConsumer({
    kafka: deps.kafka,
    groupId: deps.groupId,
    topics: [deps.topic],
    logger: deps.logger,
    registry: deps.registry,
    handler: createSettlementHandler(deps),
    ...deps.consumerOptions,
  });
}
