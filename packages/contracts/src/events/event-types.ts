// Typed views of the catalogue, so a consumer writes `EventOf<'payment.completed'>` and gets a typed
// payload, and a `switch (event.type)` over `AnyEvent` narrows the payload.
import type { z } from 'zod';
import type { EventEnvelope } from './envelope.ts';
import type { AnyEventDefinition, EventDefinitionOf, EventType, EventVersion, LatestEventVersion } from './catalog.ts';
import type { TopicName } from './topics.ts';

type EventOfDefinition<D> = D extends AnyEventDefinition ? EventEnvelope<D['type'], z.output<D['payload']>, D['version']> : never;

// Distributes over a union of types, so EventOf<'bill.issued' | 'bill.settled'> is a discriminated union.
export type EventOf<T extends EventType, V extends EventVersion<T> = LatestEventVersion<T>> = T extends EventType
  ? EventOfDefinition<EventDefinitionOf<T, V>>
  : never;

// The parsed payload (branded money, defaults applied).
export type PayloadOf<T extends EventType, V extends EventVersion<T> = LatestEventVersion<T>> = z.output<
  EventDefinitionOf<T, V>['payload']
>;

// What a producer passes to createEvent (plain numbers for amounts; validated on the way in).
export type PayloadInputOf<T extends EventType, V extends EventVersion<T> = LatestEventVersion<T>> = z.input<
  EventDefinitionOf<T, V>['payload']
>;

// Every event this build can parse, every version: the return type of parseEvent.
export type AnyEvent = EventOfDefinition<AnyEventDefinition>;

// Events that arrive on one topic, e.g. EventOnTopic<'billing.bills'> for the bill read model.
export type EventOnTopic<TTopic extends TopicName> = EventOfDefinition<Extract<AnyEventDefinition, { topic: TTopic }>>;
