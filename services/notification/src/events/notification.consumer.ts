// The bill, payment and intent topics in, queued SMS out: each event goes to the queue-event-sms flow
// (flows/queue-event-sms.flow.ts: the plan, the exactly-once keys, awaiting_contact); this file adds
// the Kafka consumer, the metrics and the dispatcher's wake-up.
import { createConsumer, sharedMetric } from '@gateway/kit';
import type { EventConsumer, EventHandler, Logger } from '@gateway/kit';
import type { Kafka } from 'kafkajs';
import type { Pool } from 'pg';
import { Counter, Gauge } from 'prom-client';
import type { Registry } from 'prom-client';
import type { ChannelNames } from '../domain/sms-plan.ts';
import { queueEventSms } from '../flows/queue-event-sms.flow.ts';
import { countAwaitingContact } from '../store/pg-contact-store.ts';

export { notificationInbox } from '../flows/queue-event-sms.flow.ts';

export type NotificationHandlerDeps = {
  pool: Pool;
  logger: Logger;
  channelNames: ChannelNames;
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
  consumerOptions?: { sessionTimeoutMs?: number; heartbeatIntervalMs?: number; rebalanceTimeoutMs?: number; maxAttempts?: number };
};

export function createNotificationHandler(deps: NotificationHandlerDeps): EventHandler {
  const log = deps.logger.child({ component: 'notification-consumer' });
  const ports = { pool: deps.pool, logger: deps.logger, channelNames: deps.channelNames, maxEventAgeMs: deps.maxEventAgeMs, now: deps.clock ?? (() => new Date()) };
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

  return async (event) => {
    const result = await queueEventSms(ports, event);
    if (result.kind === 'duplicate') {
      log.debug({ eventId: event.eventId, eventType: event.type }, 'duplicate delivery ignored');
      return;
    }
    if (result.queued > 0) {
      queued.inc({ type: event.type }, result.queued);
      deps.onQueued?.();
    }
  };
}

export function createNotificationConsumer(deps: NotificationConsumerDeps): EventConsumer {
  return createConsumer({
    kafka: deps.kafka,
    groupId: deps.groupId,
    topics: deps.topics,
    handler: createNotificationHandler(deps),
    logger: deps.logger,
    ...(deps.registry === undefined ? {} : { registry: deps.registry }),
    ...deps.consumerOptions,
  });
}
