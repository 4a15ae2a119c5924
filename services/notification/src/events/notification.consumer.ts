// The bill, payment, intent and complaint topics in, queued SMS out: each batch of one partition's events goes
// to the queue-event-sms flow (flows/queue-event-sms.flow.ts: the plan, the exactly-once keys,
// awaiting_contact) in the batch's one transaction (kit's createBatchConsumer, with the inbox rows);
// this file adds the Kafka consumer, the metrics and the dispatcher's wake-up.
import { createBatchConsumer, sharedMetric } from '@gateway/kit';
import type { BatchHandler, CreateBatchConsumerOptions, EventConsumer, Logger } from '@gateway/kit';
import type { Kafka } from 'kafkajs';
import type { Pool } from 'pg';
import { Counter, Gauge } from 'prom-client';
import type { Registry } from 'prom-client';
import type { BillerNames, ChannelNames } from '../domain/sms-plan.ts';
import { notificationInbox, queueEventsSms } from '../flows/queue-event-sms.flow.ts';
import { countAwaitingContact } from '../store/pg-contact-store.ts';

export { notificationInbox } from '../flows/queue-event-sms.flow.ts';

export type NotificationHandlerDeps = {
  pool: Pool;
  logger: Logger;
  channelNames: ChannelNames;
  /** Fee billers named on their orders' SMS (BILLER_NAMES_FILE). */
  billerNames?: BillerNames | undefined;
  registry?: Registry;
  /** Events older than this text nobody (see SMS_MAX_EVENT_AGE_MS). */
  maxEventAgeMs: number;
  /** Told after a commit that queued SMS, so the dispatcher sends at once instead of at its next poll. */
  onQueued?: () => void;
  clock?: () => Date;
};

export type NotificationConsumerDeps = NotificationHandlerDeps & {
  kafka: Kafka;
  topics: string[];
  groupId: string;
  /** partitionsConsumedConcurrently is KAFKA_CONSUMER_CONCURRENCY in main.ts. */
  consumerOptions?: Partial<
    Pick<CreateBatchConsumerOptions, 'sessionTimeoutMs' | 'heartbeatIntervalMs' | 'rebalanceTimeoutMs' | 'maxAttempts' | 'backoff' | 'partitionsConsumedConcurrently' | 'maxBatchSize'>
  >;
};

export function createNotificationHandler(deps: NotificationHandlerDeps): BatchHandler {
  const ports = { logger: deps.logger, channelNames: deps.channelNames, billerNames: deps.billerNames, maxEventAgeMs: deps.maxEventAgeMs, now: deps.clock ?? (() => new Date()) };
  const queued = sharedMetric(
    deps.registry,
    'notification_sms_queued_total',
    (registers) => new Counter({ name: 'notification_sms_queued_total', help: 'SMS queued from events, by event type.', labelNames: ['type'], registers }),
  );

  // Payments still waiting for their bill to reach the read model: a number that only grows means
  // bills that never arrive (a billing problem), and receipts nobody has been sent.
  sharedMetric(
    deps.registry,
    'notification_awaiting_contact',
    (registers) =>
      new Gauge({
        name: 'notification_awaiting_contact',
        help: 'Payment events held until their bill reaches the read model.',
        registers,
        async collect() {
          this.set(await countAwaitingContact(deps.pool));
        },
      }),
  );

  return async (client, messages) => {
    const byType = await queueEventsSms(client, messages.map((m) => m.event), ports);
    // Told only once the batch has committed: the dispatcher must find the rows when it looks.
    return () => {
      for (const [type, n] of byType) queued.inc({ type }, n);
      if (byType.size > 0) deps.onQueued?.();
    };
  };
}

export function createNotificationConsumer(deps: NotificationConsumerDeps): EventConsumer {
  return createBatchConsumer({
    kafka: deps.kafka,
    pool: deps.pool,
    inbox: notificationInbox,
    groupId: deps.groupId,
    topics: deps.topics,
    handleBatch: createNotificationHandler(deps),
    logger: deps.logger,
    ...(deps.registry === undefined ? {} : { registry: deps.registry }),
    ...deps.consumerOptions,
  });
}
