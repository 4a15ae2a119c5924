import { parseEvent } from '@gateway/contracts';
import type { AnyEvent } from '@gateway/contracts';
import type { EachMessagePayload } from 'kafkajs';
import { dependencyDown } from '../lifecycle/dependency-down.ts';
import { decodeHeaders } from './dlq.ts';
import { backoffDelay, consumerParts, errorText, replayedDelivery } from './consumer-parts.ts';
import type { ConsumerBaseOptions, EventConsumer, MessageContext, ReplayedMessage } from './consumer-parts.ts';

export type EventHandler = (event: AnyEvent, context: MessageContext) => Promise<void> | void;

export interface CreateConsumerOptions extends ConsumerBaseOptions {
  handler: EventHandler;
}

/**
 * Validating, retrying, dead-lettering consumer, one message at a time: for handlers whose effect is
 * not one Postgres transaction (the bank adapter calls a bank). Effects that are a transaction use
 * createBatchConsumer. Guarantees: a message's offset is committed only after its handler succeeded
 * or it was written to `<topic>.dlq`, so a crash at any point means redelivery, never loss (handlers
 * make redelivery harmless with the inbox). A message failing its contract goes straight to the DLQ:
 * retrying cannot fix it, and it must not block its partition.
 */
export function createConsumer(options: CreateConsumerOptions): EventConsumer {
  const { groupId, handler } = options;
  const parts = consumerParts(options, 'consumer');
  const { consumer, log, metrics, deadLetters, maxAttempts, backoff, stopping, pause } = parts;
  const running = () => !stopping();

  async function commit(topic: string, partition: number, offset: string): Promise<void> {
    await consumer.commitOffsets([{ topic, partition, offset: (BigInt(offset) + 1n).toString() }]);
  }

  async function eachMessage(payload: EachMessagePayload): Promise<void> {
    const { topic, partition, message } = payload;
    const headers = decodeHeaders(message.headers);
    let event: AnyEvent;
    try {
      event = parseEvent(message.value ?? new Uint8Array());
    } catch (err) {
      await deadLetters.write(topic, partition, message, 'schema', errorText(err), 0);
      await commit(topic, partition, message.offset);
      return;
    }
    metrics.consumed.inc({ topic, group: groupId });
    let lastError: unknown;
    let outageWaits = 0;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      // Abandoned mid-retry by stop(): leave the offset uncommitted so the message is redelivered.
      if (stopping()) return;
      let handled = false;
      try {
        await handler(event, { topic, partition, offset: message.offset, key: message.key?.toString() ?? null, headers, attempt });
        handled = true;
      } catch (err) {
        lastError = err;
        metrics.failed.inc({ topic, group: groupId });
        // A dependency that is down (Postgres restarting) says nothing about the message: waiting for it
        // does not spend an attempt, or a few seconds' outage would dead-letter every good event.
        const down = dependencyDown(err);
        if (down !== undefined) {
          outageWaits++;
          const waitMs = backoffDelay(backoff, outageWaits);
          log.warn({ err: errorText(err), dependency: down, topic, partition, offset: message.offset, eventId: event.eventId, retryInMs: waitMs }, 'handler waiting for a dependency that is down');
          if (!(await pause(waitMs, () => payload.heartbeat(), running))) return;
          attempt--;
          continue;
        }
        outageWaits = 0;
        log.warn({ err, topic, partition, offset: message.offset, eventId: event.eventId, eventType: event.type, attempt, maxAttempts }, 'handler failed');
        // A long backoff must not let the session time out and trigger a needless rebalance: pause() heartbeats through it.
        if (attempt < maxAttempts && !(await pause(backoffDelay(backoff, attempt), () => payload.heartbeat(), running))) return;
      }
      // Outside the try: a failed commit must not count as a handler failure and re-run the handler.
      if (handled) {
        await commit(topic, partition, message.offset);
        return;
      }
    }
    await deadLetters.write(topic, partition, message, 'handler', errorText(lastError), maxAttempts);
    await commit(topic, partition, message.offset);
  }

  /** An operator's replay: the schema and the handler (which makes redelivery harmless itself), once. */
  async function replay(message: ReplayedMessage): Promise<void> {
    const { event, context } = replayedDelivery(message);
    await handler(event, context);
  }

  return parts.handle({ eachMessage }, replay);
}
