// Consumers parse every message here: first the envelope, then the payload against the schema of
// that exact type and version. Anything that fails throws EventValidationError, whose message is the
// DLQ reason.
import { findEventDefinition } from './catalog.ts';
import type { EventType } from './catalog.ts';
import { eventEnvelopeSchema } from './envelope.ts';
import { EventValidationError, issuesOf } from './event-validation-error.ts';
import type { AnyEvent, EventOf } from './event-types.ts';

function decode(raw: unknown): unknown {
  // Kafka hands over bytes; accept them (and strings) so every consumer decodes the same way.
  if (typeof raw !== 'string' && !(raw instanceof Uint8Array)) return raw;
  const text = typeof raw === 'string' ? raw : new TextDecoder('utf-8', { fatal: true }).decode(raw);
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new EventValidationError('event is not valid JSON', [{ path: '', message: (error as Error).message }]);
  }
}

export function parseEvent(raw: unknown): AnyEvent {
  let value: unknown;
  try {
    value = decode(raw);
  } catch (error) {
    if (error instanceof EventValidationError) throw error;
    throw new EventValidationError('event is not valid UTF-8', [{ path: '', message: (error as Error).message }]);
  }
  const envelope = eventEnvelopeSchema.safeParse(value);
  if (!envelope.success) {
    const partial = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
    throw new EventValidationError('invalid event envelope', issuesOf(envelope.error), {
      eventType: typeof partial['type'] === 'string' ? partial['type'] : null,
      eventVersion: typeof partial['version'] === 'number' ? partial['version'] : null,
      eventId: typeof partial['eventId'] === 'string' ? partial['eventId'] : null,
    });
  }
  const { type, version, eventId } = envelope.data;
  const context = { eventType: type, eventVersion: version, eventId };
  const definition = findEventDefinition(type, version);
  if (!definition) {
    throw new EventValidationError(`unknown event ${type} v${version}`, [{ path: 'type', message: `no schema for ${type} version ${version} in this build` }], context);
  }
  const payload = definition.payload.safeParse(envelope.data.payload);
  if (!payload.success) {
    throw new EventValidationError(`invalid ${type} v${version} event ${eventId}`, issuesOf(payload.error, ['payload']), context);
  }
  return { ...envelope.data, payload: payload.data } as AnyEvent;
}

// Narrowing helper for consumers that handle one type: `if (isEventOf(event, 'payment.completed'))`.
export function isEventOf<T extends EventType>(event: AnyEvent, type: T): event is Extract<AnyEvent, { type: T }> & EventOf<T> {
  return event.type === type;
}
