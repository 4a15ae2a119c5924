// Consumes channels.commands (from payment orchestration): debit requests, OTPs, status requests,
// and refunds of debits that bought nothing: each parsed and handed to its flow (flows/).
// Each command is applied once through the inbox (see flows/debit-flows.ts for how the inbox row, the
// debit record and the call are ordered so that nothing is ever sent twice). Only infrastructure
// failures throw, so the kit's consumer retries them and, if they persist, dead-letters the command.
import type { AnyEvent } from '@gateway/contracts';
import { createConsumer } from '@gateway/kit';
import type { EventConsumer, EventHandler, Logger } from '@gateway/kit';
import type { Kafka } from 'kafkajs';
import { Counter } from 'prom-client';
import type { Registry } from 'prom-client';
import type { DebitFlows } from '../flows/debit-flows.ts';
import type { RefundFlows } from '../flows/refund-flows.ts';

export type ChannelCommandsConsumerDeps = {
  kafka: Kafka;
  debits: DebitFlows;
  refunds: RefundFlows;
  logger: Logger;
  /** channels.commands in production; tests use a topic of their own. */
  topic: string;
  groupId: string;
  registry?: Registry | undefined;
  /** Partitions handled at once; commands of one intent share a partition and stay in order. */
  partitionsConsumedConcurrently?: number | undefined;
  consumerOptions?: { sessionTimeoutMs?: number; heartbeatIntervalMs?: number; rebalanceTimeoutMs?: number; maxAttempts?: number };
};

export function createChannelCommandsHandler(deps: Pick<ChannelCommandsConsumerDeps, 'debits' | 'refunds' | 'logger' | 'registry'>): EventHandler {
  const log = deps.logger.child({ component: 'channel-commands' });
  const existing = deps.registry?.getSingleMetric('bank_adapter_commands_total');
  const handledCount =
    (existing as Counter<'type' | 'outcome'> | undefined) ??
    new Counter({ name: 'bank_adapter_commands_total', help: 'Channel commands handled, by type and outcome.', labelNames: ['type', 'outcome'], registers: deps.registry ? [deps.registry] : [] });

  return async (event: AnyEvent) => {
    let outcome: string;
    switch (event.type) {
      case 'channel.debit-requested':
        outcome = await deps.debits.debitRequested(event);
        break;
      case 'channel.otp-submitted':
        outcome = await deps.debits.otpSubmitted(event);
        break;
      case 'channel.status-requested':
        outcome = await deps.debits.statusRequested(event);
        break;
      case 'channel.refund-requested':
        outcome = await deps.refunds.refundRequested(event);
        break;
      default:
        return;
    }
    handledCount.inc({ type: event.type, outcome: outcome.split(':')[0]! });
    // The payload is not logged whole: the OTP command carries the OTP.
    log.info({ eventId: event.eventId, eventType: event.type, intentId: event.payload.intentId, channelId: event.payload.channelId, outcome }, 'channel command handled');
  };
}

export function createChannelCommandsConsumer(deps: ChannelCommandsConsumerDeps): EventConsumer {
  return createConsumer({
    kafka: deps.kafka,
    groupId: deps.groupId,
    topics: [deps.topic],
    logger: deps.logger,
    registry: deps.registry,
    handler: createChannelCommandsHandler(deps),
    ...(deps.partitionsConsumedConcurrently === undefined ? {} : { partitionsConsumedConcurrently: deps.partitionsConsumedConcurrently }),
    ...deps.consumerOptions,
  });
}
