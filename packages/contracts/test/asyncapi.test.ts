import { describe, it, expect } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { buildAsyncApiDocument, eventDefinitions, messageIdOf, parseEvent, topicNames, topics } from '../src/index.ts';

type Doc = {
  asyncapi: string;
  channels: Record<string, { address: string; messages: Record<string, { $ref: string }>; bindings: { kafka: { partitions: number } } }>;
  operations: Record<string, { action: string; messages: unknown[] }>;
  components: { messages: Record<string, { payload: { schema: { properties: Record<string, unknown> } }; examples: { payload: unknown }[] }> };
};

describe('AsyncAPI document', () => {
  const doc = buildAsyncApiDocument({ version: '0.1.0' }) as unknown as Doc;

  it('is AsyncAPI 3.0 with one channel per topic', () => {
    expect(doc.asyncapi).toBe('3.0.0');
    expect(Object.keys(doc.channels).sort()).toEqual([...topicNames].sort());
    for (const topic of topicNames) {
      expect(doc.channels[topic]?.address).toBe(topic);
      expect(doc.channels[topic]?.bindings.kafka.partitions).toBe(topics[topic].partitions);
      expect(doc.operations[`publish-${topic}`]?.action).toBe('send');
    }
  });

  it('has one message per event type and version, on its topic, with the envelope and a valid example', () => {
    for (const d of eventDefinitions) {
      const id = messageIdOf(d);
      expect(doc.channels[d.topic]?.messages[id]?.$ref).toBe(`#/components/messages/${id}`);
      const message = doc.components.messages[id];
      expect(Object.keys(message?.payload.schema.properties ?? {})).toEqual(
        expect.arrayContaining(['eventId', 'type', 'version', 'occurredAt', 'producer', 'correlationId', 'causationId', 'key', 'payload']),
      );
      expect(() => parseEvent(message?.examples[0]?.payload)).not.toThrow();
    }
  });

  it('matches the committed asyncapi.json (regenerate with the script when this fails)', () => {
    const committed = JSON.parse(readFileSync(new URL('../asyncapi.json', import.meta.url), 'utf8')) as { info: { version: string } };
    const fresh = buildAsyncApiDocument({ version: committed.info.version });
    expect(committed).toEqual(JSON.parse(JSON.stringify(fresh)));
  });
});
