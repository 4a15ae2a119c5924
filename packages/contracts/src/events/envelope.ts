// One envelope for every event (docs/design.md). The payload stays `unknown` here: it is validated in a
// second step against the schema of the envelope's type and version, so that a consumer can tell "not
// an event at all" from "an event whose payload breaks its contract".
import { z } from 'zod';
import { timestampSchema } from '../primitives.ts';

export const eventEnvelopeSchema = z.object({
  // Time-ordered ids keep the inbox table's primary-key index append-mostly.
  eventId: z.uuidv7({ error: 'eventId must be a UUID v7' }),
  type: z.string().regex(/^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$/, { error: 'type must look like "payment.completed"' }),
  version: z.number().int().min(1),
  occurredAt: timestampSchema,
  producer: z.string().min(1).max(100),
  correlationId: z.string().min(1).max(255),
  // The event (or request id) that caused this one; null for events that start a chain.
  causationId: z.string().min(1).max(255).nullable(),
  // The Kafka message key (the aggregate id), repeated here so it survives a DLQ round trip.
  key: z.string().min(1).max(255),
  payload: z.unknown(),
});

export type RawEventEnvelope = z.infer<typeof eventEnvelopeSchema>;

export type EventEnvelope<TType extends string = string, TPayload = unknown, TVersion extends number = number> = {
  eventId: string;
  type: TType;
  version: TVersion;
  occurredAt: string;
  producer: string;
  correlationId: string;
  causationId: string | null;
  key: string;
  payload: TPayload;
};
