import { randomUUID } from 'node:crypto';
import { createEvent, eventCatalog } from '@gateway/contracts';
import type { EventOf, EventType, PayloadInputOf } from '@gateway/contracts';

export interface EventOverrides<T extends EventType> {
  /** Merged over the catalogue's example payload (shallowly). */
  payload?: Partial<PayloadInputOf<T>>;
  key?: string;
  eventId?: string;
  correlationId?: string;
  causationId?: string | null;
  producer?: string;
  occurredAt?: Date | string;
}

/**
 * A valid event of `type`, built from the catalogue's example so tests state only what matters to
 * them. The key defaults to the payload field the catalogue says the topic is keyed by.
 */
export function anEvent<T extends EventType>(type: T, overrides: EventOverrides<T> = {}): EventOf<T> {
  const definition = eventCatalog[type];
  const payload = { ...(definition.example as object), ...(overrides.payload ?? {}) } as PayloadInputOf<T>;
  const keyField = (payload as Record<string, unknown>)[definition.keyedBy];
  return createEvent(type, {
    producer: overrides.producer ?? 'testkit',
    key: overrides.key ?? (typeof keyField === 'string' ? keyField : randomUUID()),
    correlationId: overrides.correlationId ?? randomUUID(),
    causationId: overrides.causationId ?? null,
    eventId: overrides.eventId,
    occurredAt: overrides.occurredAt,
    payload,
  });
}
