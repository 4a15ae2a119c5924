// Turns bill.*, payment.*, intent.unknown and intent.refunded into SMS. Each event runs through the inbox (handleOnce)
// and its SMS rows are written in the same transaction, under a unique key per (template, source,
// recipient): Kafka's redelivery, a replay, or the same payment published twice all make one SMS.
// Sending is not done here; the dispatcher sends what this queues, so a slow or absent SMSC never
// holds back the topic (and the bill read model stays current through an SMSC outage).
import { parseEvent } from '@gateway/contracts';
import type { AnyEvent } from '@gateway/contracts';
import { createConsumer, handleOnce, sharedMetric } from '@gateway/kit';
import type { EventConsumer, EventHandler, Logger } from '@gateway/kit';
import type { Kafka } from 'kafkajs';
import type { Pool, PoolClient } from 'pg';
import { Counter, Gauge } from 'prom-client';
import type { Registry } from 'prom-client';
import { normaliseMsisdn } from '../domain/msisdn.ts';
import { awaitsContact, planSms } from '../domain/sms-plan.ts';
import type { ChannelNames, PlannedEvent } from '../domain/sms-plan.ts';
import { contactsOf, parkAwaitingContact, takeAwaitingContact, upsertContact } from '../store/pg-contact-store.ts';
import { enqueueSms } from '../store/pg-message-store.ts';

/** The inbox name: stays the same whatever the consumer group is called, so a renamed group never re-sends. */
export const notificationInbox = 'notification.sms';

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

function billIdsOf(event: PlannedEvent): string[] {
  switch (event.type) {
    case 'payment.completed':
    case 'payment.reversed':
      return event.payload.allocations.map((a) => a.billId);
    case 'intent.unknown':
    case 'intent.refunded':
      return event.payload.billIds;
    default:
      return [];
  }
}

function isPlanned(event: AnyEvent): event is PlannedEvent {
  switch (event.type) {
    case 'bill.issued':
    case 'bill.late-fee-applied':
    case 'bill.overdue':
    case 'bill.settled':
    case 'payment.completed':
    case 'payment.reversed':
    case 'intent.unknown':
    case 'intent.refunded':
      return true;
    default:
      return false;
  }
}

async function plan(client: PoolClient, event: PlannedEvent, deps: NotificationHandlerDeps): Promise<number> {
  const billIds = billIdsOf(event);
  const contacts = await contactsOf(client, billIds);
  const ctx = { contacts, channelNames: deps.channelNames, normalise: normaliseMsisdn };
  if (awaitsContact(event, ctx)) {
    await parkAwaitingContact(client, event, billIds);
    return 0;
  }
  const oldest = (deps.clock?.() ?? new Date()).getTime() - deps.maxEventAgeMs;
  const requests = planSms(event, ctx);
  const fresh = requests.filter((r) => r.notBefore.getTime() >= oldest);
  if (fresh.length < requests.length) deps.logger.info({ eventId: event.eventId, eventType: event.type, occurredAt: event.occurredAt }, 'event too old to text anyone: read model updated, no SMS');
  return enqueueSms(client, fresh);
}

async function apply(client: PoolClient, event: AnyEvent, deps: NotificationHandlerDeps): Promise<number> {
  let queued = 0;
  // Every bill snapshot (bill.reopened too) keeps the read model current, whether or not it texts,
  // and releases the payment events that were waiting to learn whom to text.
  if (event.type.startsWith('bill.')) {
    const bill = (event as Extract<AnyEvent, { type: `bill.${string}` }>).payload;
    await upsertContact(client, bill, bill.holder.msisdn === null ? null : normaliseMsisdn(bill.holder.msisdn));
    for (const waiting of await takeAwaitingContact(client, bill.billId)) {
      const parsed = parseEvent(waiting);
      if (isPlanned(parsed)) queued += await plan(client, parsed, deps);
    }
  }
  if (isPlanned(event)) queued += await plan(client, event, deps);
  return queued;
}

export function createNotificationHandler(deps: NotificationHandlerDeps): EventHandler {
  const log = deps.logger.child({ component: 'notification-consumer' });
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
          const { rows } = await deps.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM awaiting_contact');
          this.set(rows[0]?.n ?? 0);
        },
      }),
  );

  return async (event) => {
    const result = await handleOnce(deps.pool, notificationInbox, event, (client) => apply(client, event, deps), { retries: 3 });
    if (result.duplicate) {
      log.debug({ eventId: event.eventId, eventType: event.type }, 'duplicate delivery ignored');
      return;
    }
    if (result.result > 0) {
      queued.inc({ type: event.type }, result.result);
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
