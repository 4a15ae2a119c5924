// Builds the AsyncAPI 3.0 document of the event catalogue from the same zod schemas producers and
// consumers use, so the published catalogue cannot drift from the code. The telecom's billing system
// integrates against this document.
import { z } from 'zod';
import { eventDefinitions } from './events/catalog.ts';
import type { AnyEventDefinition } from './events/catalog.ts';
import { eventEnvelopeSchema } from './events/envelope.ts';
import { dlqTopicOf, topicNames, topics } from './events/topics.ts';

type JsonObject = { [key: string]: unknown };

// Draft-07 is what AsyncAPI tooling understands best; the document says so per message.
const schemaFormat = 'application/schema+json;version=draft-07';

function jsonSchemaOf(schema: z.ZodType): JsonObject {
  // `input`: the wire shape a producer sends. It also leaves objects open (no additionalProperties:
  // false), which is the contract: fields may be added within a version.
  const out = z.toJSONSchema(schema, { target: 'draft-7', io: 'input', unrepresentable: 'any' }) as JsonObject;
  delete out['$schema'];
  return out;
}

export function messageIdOf(definition: Pick<AnyEventDefinition, 'type' | 'version'>): string {
  return `${definition.type}.v${definition.version}`;
}

// A fixed example envelope, so the generated file is byte-stable between runs.
function exampleEnvelope(definition: AnyEventDefinition): JsonObject {
  const example = definition.example as JsonObject;
  const key = example[definition.keyedBy];
  return {
    eventId: '0196f3a2-7c10-7d2e-9f4a-1b2c3d4e5f60',
    type: definition.type,
    version: definition.version,
    occurredAt: '2026-05-20T09:14:03.250Z',
    producer: topics[definition.topic].owner,
    correlationId: '0196f3a2-7b00-7a11-8b22-3c4d5e6f7a80',
    causationId: null,
    key: typeof key === 'string' ? key : 'example-key',
    payload: example,
  };
}

function messageOf(definition: AnyEventDefinition): JsonObject {
  const envelope = jsonSchemaOf(eventEnvelopeSchema);
  const properties = { ...(envelope['properties'] as JsonObject) };
  properties['type'] = { type: 'string', const: definition.type };
  properties['version'] = { type: 'integer', const: definition.version };
  properties['payload'] = jsonSchemaOf(definition.payload);
  return {
    name: definition.type,
    title: `${definition.type} v${definition.version}`,
    summary: definition.description,
    contentType: 'application/json',
    payload: { schemaFormat, schema: { ...envelope, properties } },
    examples: [{ name: `${messageIdOf(definition)}-example`, payload: exampleEnvelope(definition) }],
    bindings: {
      kafka: {
        key: { type: 'string', description: `The payload's ${definition.keyedBy}: order holds per key.` },
        bindingVersion: '0.5.0',
      },
    },
  };
}

export function buildAsyncApiDocument(options: { version?: string } = {}): JsonObject {
  const channels: JsonObject = {};
  const operations: JsonObject = {};
  const messages: JsonObject = {};

  for (const definition of eventDefinitions) messages[messageIdOf(definition)] = messageOf(definition);

  for (const topic of topicNames) {
    const onTopic = eventDefinitions.filter((d) => d.topic === topic);
    const refs = Object.fromEntries(onTopic.map((d) => [messageIdOf(d), { $ref: `#/components/messages/${messageIdOf(d)}` }]));
    channels[topic] = {
      address: topic,
      title: topic,
      description: `${topics[topic].description} Dead letters go to ${dlqTopicOf(topic)}.`,
      messages: refs,
      bindings: { kafka: { topic, partitions: topics[topic].partitions, bindingVersion: '0.5.0' } },
    };
    operations[`publish-${topic}`] = {
      action: 'send',
      title: `${topics[topic].owner} publishes to ${topic}`,
      channel: { $ref: `#/channels/${topic}` },
      messages: onTopic.map((d) => ({ $ref: `#/channels/${topic}/messages/${messageIdOf(d)}` })),
    };
  }

  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Bill e-payment gateway events',
      version: options.version ?? '0.0.0',
      description:
        'Events of the telecom bill e-payment gateway. Every message is a JSON envelope (eventId UUID v7, type, ' +
        'version, occurredAt RFC 3339 UTC, producer, correlationId, causationId, key, payload). Money is ' +
        '{ amount: integer minor units, currency: ISO 4217 }; business dates are YYYY-MM-DD in Asia/Damascus. ' +
        'Consumers must ignore unknown fields; a breaking change is published as a new version of the type, ' +
        'and both versions flow during a migration.',
    },
    defaultContentType: 'application/json',
    servers: {
      local: { host: '127.0.0.1:9092', protocol: 'kafka', description: 'Local single-node Kafka started by npm start.' },
    },
    channels,
    operations,
    components: { messages },
  };
}
