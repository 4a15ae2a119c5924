import type { Kafka, Message, Producer, RetryOptions } from 'kafkajs';
import { createProducer } from '../kafka/producer.ts';
import type { OutboxRow } from './outbox-row.ts';

/**
 * The relay's own producer. The relay builds and owns it rather than being handed one: after a
 * failed send it must replace it (see `discard` and createProducer).
 */
export interface RelayProducer {
  /** Sends rows as one batch (acks=all), grouped by topic; connects first if needed. */
  send(rows: OutboxRow[]): Promise<void>;
  /** Disconnects and forgets the producer; the next send builds a new one. */
  discard(): Promise<void>;
}

export function createRelayProducer(kafka: Kafka, retry: RetryOptions | undefined): RelayProducer {
  let producer: Producer | undefined;
  let producerConnected = false;

  async function connectedProducer(): Promise<Producer> {
    producer ??= createProducer(kafka, { retry });
    if (!producerConnected) {
      await producer.connect();
      producerConnected = true;
    }
    return producer;
  }

  return {
    async send(rows) {
      const byTopic = new Map<string, Message[]>();
      for (const row of rows) {
        const messages = byTopic.get(row.topic) ?? [];
        messages.push({ key: row.key, value: row.payload, headers: row.headers });
        byTopic.set(row.topic, messages);
      }
      const p = await connectedProducer();
      await p.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
    },
    async discard() {
      // kafkajs rewinds sequence numbers after a failed send; if the broker did write that batch, the
      // next, different batch would reuse them and be acknowledged as a duplicate without being
      // written. A new producer gets a new producer id and no such history.
      const old = producer;
      producer = undefined;
      producerConnected = false;
      await old?.disconnect().catch(() => undefined);
    },
  };
}
