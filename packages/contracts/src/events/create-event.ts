// Producers build events here and nowhere else, so every event leaving a service has a UUID v7 id,
// a UTC timestamp and a payload that passed its schema (validated on both ends, docs/design.md).
import { v7 as uuidv7 } from 'uuid';
import { eventCatalog, findEventDefinition } from './catalog.ts';
import type { EventType, EventVersion, LatestEventVersion } from './catalog.ts';
import { eventEnvelopeSchema } from './envelope.ts';
import { EventValidationError, issuesOf } from './event-validation-error.ts';
import type { EventOf, PayloadInputOf } from './event-types.ts';

export type CreateEventInput<T extends EventType, V extends EventVersion<T> = LatestEventVersion<T>> = {
  producer: string;
  key: string;
  correlationId: string;
  causationId?: string | null;
  // Defaults to the current version; pass an older one only to keep feeding old consumers in a migration.
  version?: V;
  payload: PayloadInputOf<T, V>;
  // For tests and replays; normally generated.
  eventId?: string;
  occurredAt?: Date | string;
};

export function createEvent<T extends EventType, V extends EventVersion<T> = LatestEventVersion<T>>(
  type: T,
  input: CreateEventInput<T, V>,
): EventOf<T, V> {
  const version: number = input.version ?? eventCatalog[type].version;
  const definition = findEventDefinition(type, version);
  if (!definition) {
    throw new EventValidationError(`cannot create ${type} v${version}`, [{ path: 'version', message: 'unknown event type or version' }], {
      eventType: type,
      eventVersion: version,
    });
  }
  const occurredAt = input.occurredAt instanceof Date ? input.occurredAt.toISOString() : (input.occurredAt ?? new Date().toISOString());
  const envelope = eventEnvelopeSchema.safeParse({
    eventId: input.eventId ?? uuidv7(),
    type,
    version,
    occurredAt,
    producer: input.producer,
    correlationId: input.correlationId,
    causationId: input.causationId ?? null,
    key: input.key,
    payload: null,
  });
  if (!envelope.success) {
    throw new EventValidationError(`invalid ${type} v${version} envelope`, issuesOf(envelope.error), { eventType: type, eventVersion: version });
  }
  const payload = definition.payload.safeParse(input.payload);
  if (!payload.success) {
    throw new EventValidationError(`invalid ${type} v${version} event`, issuesOf(payload.error, ['payload']), {
      eventType: type,
      eventVersion: version,
      eventId: envelope.data.eventId,
    });
  }
  return { ...envelope.data, payload: payload.data } as EventOf<T, V>;
}
