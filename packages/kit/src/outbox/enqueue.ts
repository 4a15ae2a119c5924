import { eventCatalog, isEventType, parseEvent } from '@gateway/contracts';
import type { EventEnvelope } from '@gateway/contracts';
import type { PoolClient } from 'pg';

/** The channel relays LISTEN on, so a committed event is published at once rather than at the next poll. */
export const outboxChannel = 'outbox_enqueued';

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

/**
 * Writes `event` to the outbox inside the caller's transaction (`client` must be in BEGIN): it is
 * published if and only if that transaction commits. The topic defaults to the catalogue's topic for
 * the event's type. The envelope is validated here too, so a malformed event fails the business
 * transaction that produced it instead of reaching a consumer's DLQ later.
 */
export async function enqueueEvent(client: PoolClient, event: EventEnvelope, topic?: string): Promise<void> {
  parseEvent(event);
  const target = topic ?? (isEventType(event.type) ? eventCatalog[event.type].topic : undefined);
  if (!target) throw new Error(`no topic for event type ${event.type}: pass one explicitly`);
  // pg_notify inside the transaction is delivered only on commit, exactly when the row becomes visible.
  await client.query(
    `WITH ins AS (
       INSERT INTO outbox (event_id, topic, key, payload, headers) VALUES ($1, $2, $3, $4, $5) RETURNING id
     )
     SELECT pg_notify($6, '') FROM ins`,
    [event.eventId, target, event.key, JSON.stringify(event), JSON.stringify(eventHeaders(event)), outboxChannel],
  );
}
