import kafkajs from 'kafkajs';
import type { Kafka, Producer, RetryOptions } from 'kafkajs';

const { Partitioners } = kafkajs;

export interface CreateProducerOptions {
  /**
   * kafkajs retries an idempotent producer's send forever by default, so a send made while the
   * broker is down would never return and the caller could never back off, record the failure or
   * shut down. The default caps one send at roughly half a minute.
   */
  retry?: RetryOptions;
}

/**
 * An idempotent producer (acks=all on every send is the caller's job: pass `acks: -1`). Not
 * connected yet: call `connect()`.
 *
 * After a send fails, prefer a new producer over reusing this one: kafkajs rewinds its sequence
 * numbers on failure, so if the broker had in fact written the failed batch, a *different* batch
 * sent next with the same sequence numbers would be acknowledged as a duplicate and silently
 * dropped. A fresh producer gets a fresh producer id. The outbox relay and the consumer's DLQ writer
 * do this.
 */
export function createProducer(kafka: Kafka, options: CreateProducerOptions = {}): Producer {
  return kafka.producer({
    idempotent: true,
    // Idempotence in kafkajs is only ordered and duplicate-free with one request in flight.
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    // The Java-compatible partitioner: the same key lands on the same partition as from any other
    // client, so per-key order holds whoever produces.
    createPartitioner: Partitioners.DefaultPartitioner,
    retry: options.retry ?? { retries: 8, initialRetryTime: 300, maxRetryTime: 5_000 },
  });
}
