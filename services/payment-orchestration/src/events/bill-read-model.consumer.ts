// Keeps the payable-bills read model from bill.* events (billing.bills), through the inbox, so inquiry
// and payment never call billing and keep working while it is down (docs/design.md).
import type { AnyEvent } from '@gateway/contracts';
import { createConsumer, handleOnce } from '@gateway/kit';
import type { EventConsumer, EventHandler, Logger } from '@gateway/kit';
import type { Kafka } from 'kafkajs';
import type { Pool } from 'pg';
import type { Registry } from 'prom-client';
import { applyBillEvent } from '../flows/apply-bill-event.flow.ts';

/** The inbox name: stable whatever the consumer group is called, so a renamed group never re-applies. */
export const billReadModelInbox = 'payments.bill-read-model';

export type BillReadModelHandlerDeps = { pool: Pool; logger: Logger };

export type BillReadModelConsumerDeps = BillReadModelHandlerDeps & {
  kafka: Kafka;
  registry?: Registry;
  topic: string;
  groupId: string;
  consumerOptions?: { sessionTimeoutMs?: number; heartbeatIntervalMs?: number; rebalanceTimeoutMs?: number; maxAttempts?: number };
};

export function createBillReadModelHandler(deps: BillReadModelHandlerDeps): EventHandler {
  const log = deps.logger.child({ component: 'bill-read-model' });
  return async (event: AnyEvent) => {
    switch (event.type) {
      case 'bill.issued':
      case 'bill.late-fee-applied':
      case 'bill.overdue':
      case 'bill.settled':
      case 'bill.reopened': {
        const result = await handleOnce(
          deps.pool,
          billReadModelInbox,
          event,
          (client) => applyBillEvent(client, event),
          { retries: 3 },
        );
        if (!result.duplicate && result.result === 'stale') {
          log.debug({ eventId: event.eventId, billId: event.payload.billId, revision: event.payload.revision }, 'older snapshot ignored');
        }
        return;
      }
      default:
        return;
    }
  };
}

export function createBillReadModelConsumer(deps: BillReadModelConsumerDeps): EventConsumer {
  return createConsumer({
    kafka: deps.kafka,
    groupId: deps.groupId,
    topics: [deps.topic],
    logger: deps.logger,
    registry: deps.registry,
    handler: createBillReadModelHandler(deps),
    ...deps.consumerOptions,
  });
}
