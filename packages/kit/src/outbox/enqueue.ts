import { eventCatalog, isEventType, parseEvent } from '@gateway/contracts';
import type { EventEnvelope } from '@gateway/contracts';
import type { PoolClient } from 'pg';
import { afterCommit } from '../db/transaction.ts';
import { notifyRelays } from './relay-wakeup.ts';

export { outboxChannel } from './relay-wakeup.ts';

/** Kafka headers every published event carries, so tools can route or filter without parsing the value. */
export function eventHeaders(event: EventEnvelope): Record<string, string> {
  return {
    'event-id': event.eventId,
    'event-type': event.type,
    'event-version': String(event.version),
    'correlation-id': event.correlationId,
    producer: event.producer,
    'content-type': 'application/json',
  };
}

function topicOf(event: EventEnvelope, topic?: string): string {
  const target = topic ?? (isEventType(event.type) ? eventCatalog[event.type].topic : undefined);
  if (!target) throw new Error(`no topic for event type ${event.type}: pass one explicitly`);
  return target;
}

/**
 * Writes `event` to the outbox inside the caller's transaction (`client` must be in BEGIN): it is
 * published if and only if that transaction commits. The topic defaults to the catalogue's topic for
 * the event's type. The envelope is validated here too, so a malformed event fails the business
 * transaction that produced it instead of reaching a consumer's DLQ later. When withTransaction
 * commits it, the relays are woken (notifyRelays); in any other transaction they find the row at
 * their next poll.
 */
export async function enqueueEvent(client: PoolClient, event: EventEnvelope, topic?: string): Promise<void> {
  await enqueueEvents(client, [event], topic);
}

/**
 * The same for many events in one statement: a bill import writes a thousand `bill.issued` per chunk,
 * and one INSERT per event was most of its time. Rows keep the array's order (ids follow it), which is
 * the order the relay publishes them in.
 */
export async function enqueueEvents(client: PoolClient, events: readonly EventEnvelope[], topic?: string): Promise<void> {
  if (events.length === 0) return;
  const ids: string[] = [];
  const topics: string[] = [];
  const keys: string[] = [];
  const headers: Record<string, string>[] = [];
  for (const event of events) {
    parseEvent(event);
    ids.push(event.eventId);
    topics.push(topicOf(event, topic));
    keys.push(event.key);
    headers.push(eventHeaders(event));
  }
  // The payloads and headers go as one JSON array each, not as jsonb[]: node-postgres escapes every
  // element of an array parameter, which cost a 5,000-bill import chunk more than the insert itself.
  await client.query(
    `INSERT INTO outbox (event_id, topic, key, payload, headers)
     SELECT t.event_id, t.topic, t.key, p.value, h.value
     FROM unnest($1::uuid[], $2::text[], $3::text[]) WITH ORDINALITY AS t(event_id, topic, key, n)
     JOIN jsonb_array_elements($4::jsonb) WITH ORDINALITY AS p(value, n) USING (n)
     JOIN jsonb_array_elements($5::jsonb) WITH ORDINALITY AS h(value, n) USING (n)
     ORDER BY n`,
    [ids, topics, keys, JSON.stringify(events), JSON.stringify(headers)],
  );
  // Not pg_notify in this transaction: see notifyRelays for why the NOTIFY follows the commit.
  afterCommit(client, notifyRelays);
}
