// Turns one bill.*, payment.*, intent.unknown or intent.refunded event into queued SMS. The event runs
// through the inbox (handleOnce) and its SMS rows are written in the same transaction, under a unique
// key per (template, source, recipient): Kafka's redelivery, a replay, or the same payment published
// twice all make one SMS. Sending is not done here; the dispatcher sends what this queues, so a slow or
// absent SMSC never holds back the topic (and the bill read model stays current through an SMSC outage).
import { parseEvent } from '@gateway/contracts';
import type { AnyEvent } from '@gateway/contracts';
import { handleOnce } from '@gateway/kit';
import type { Logger } from '@gateway/kit';
import type { Pool, PoolClient } from 'pg';
import { normaliseMsisdn } from '../domain/msisdn.ts';
import { awaitsContact, planSms } from '../domain/sms-plan.ts';
import type { ChannelNames, PlannedEvent } from '../domain/sms-plan.ts';
import { contactsOf, parkAwaitingContact, takeAwaitingContact, upsertContact } from '../store/pg-contact-store.ts';
import { enqueueSms } from '../store/pg-message-store.ts';

/** The inbox name: stays the same whatever the consumer group is called, so a renamed group never re-sends. */
export const notificationInbox = 'notification.sms';

export type QueueEventSmsPorts = {
  pool: Pool;
  logger: Logger;
  channelNames: ChannelNames;
  /** Events older than this text nobody (see SMS_MAX_EVENT_AGE_MS). */
  maxEventAgeMs: number;
  now: () => Date;
};

export type QueueEventSmsResult = { kind: 'duplicate' } | { kind: 'handled'; queued: number };

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

async function plan(client: PoolClient, event: PlannedEvent, ports: QueueEventSmsPorts): Promise<number> {
  const billIds = billIdsOf(event);
  const contacts = await contactsOf(client, billIds);
  const ctx = { contacts, channelNames: ports.channelNames, normalise: normaliseMsisdn };
  if (awaitsContact(event, ctx)) {
    await parkAwaitingContact(client, event, billIds);
    return 0;
  }
  const oldest = ports.now().getTime() - ports.maxEventAgeMs;
  const requests = planSms(event, ctx);
  const fresh = requests.filter((r) => r.notBefore.getTime() >= oldest);
  if (fresh.length < requests.length) ports.logger.info({ eventId: event.eventId, eventType: event.type, occurredAt: event.occurredAt }, 'event too old to text anyone: read model updated, no SMS');
  return enqueueSms(client, fresh);
}

async function apply(client: PoolClient, event: AnyEvent, ports: QueueEventSmsPorts): Promise<number> {
  let queued = 0;
  // Every bill snapshot (bill.reopened too) keeps the read model current, whether or not it texts,
  // and releases the payment events that were waiting to learn whom to text.
  if (event.type.startsWith('bill.')) {
    const bill = (event as Extract<AnyEvent, { type: `bill.${string}` }>).payload;
    await upsertContact(client, bill, bill.holder.msisdn === null ? null : normaliseMsisdn(bill.holder.msisdn));
    for (const waiting of await takeAwaitingContact(client, bill.billId)) {
      const parsed = parseEvent(waiting);
      if (isPlanned(parsed)) queued += await plan(client, parsed, ports);
    }
  }
  if (isPlanned(event)) queued += await plan(client, event, ports);
  return queued;
}

/** Queues the SMS `event` calls for, once per event however often it is delivered. */
export async function queueEventSms(ports: QueueEventSmsPorts, event: AnyEvent): Promise<QueueEventSmsResult> {
  const result = await handleOnce(ports.pool, notificationInbox, event, (client) => apply(client, event, ports), { retries: 3 });
  return result.duplicate ? { kind: 'duplicate' } : { kind: 'handled', queued: result.result };
}
