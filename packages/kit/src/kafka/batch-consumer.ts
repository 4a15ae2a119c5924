import { parseEvent } from '@gateway/contracts';
import type { AnyEvent } from '@gateway/contracts';
import type { EachBatchPayload, KafkaMessage } from 'kafkajs';
import type { Pool, PoolClient } from 'pg';
import { withTransaction } from '../db/transaction.ts';
import type { IsolationLevel } from '../db/transaction.ts';
import { recordInboxEvents } from '../inbox/handle-once.ts';
import { dependencyDown } from '../lifecycle/dependency-down.ts';
import { decodeHeaders } from './dlq.ts';
import { backoffDelay, consumerParts, errorText, replayedDelivery } from './consumer-parts.ts';
import type { ConsumerBaseOptions, EventConsumer, MessageContext, ReplayedMessage } from './consumer-parts.ts';

export interface BatchMessage {
  event: AnyEvent;
  context: MessageContext;
}

/**
 * Applies the effects of `messages` inside the batch's one Postgres transaction (`client`). They are
 * one partition's, in offset order, already filtered through the inbox: their inbox rows were written
 * in this same transaction, and a duplicate never reaches the handler. It may return a function to
 * run after COMMIT (logs, metrics: what must not be said of a batch that rolled back). Throwing rolls
 * the whole batch back; business anomalies must be recorded instead, as retrying cannot change them.
 */
export type BatchHandler = (client: PoolClient, messages: BatchMessage[]) => Promise<void | (() => void)>;

export interface CreateBatchConsumerOptions extends ConsumerBaseOptions {
  pool: Pool;
  /** The inbox consumer name: each event's effect is applied once per name, whatever the group is called. */
  inbox: string;
  handleBatch: BatchHandler;
  /** Re-runs of a batch's transaction after a serialization failure (40001) or deadlock (40P01). Default 3. */
  transactionRetries?: number;
  isolationLevel?: IsolationLevel;
  /** Most messages in one transaction; a larger fetch is applied in several. Default 500. */
  maxBatchSize?: number;
}

interface Item {
  event: AnyEvent;
  message: KafkaMessage;
  context: MessageContext;
}

/**
 * The consumer for effects that are a Postgres transaction. Kafka hands over a partition's messages
 * in batches; each is applied in one transaction with its inbox rows (one commit instead of one per
 * message, which is what bounded every consumer at a few hundred events a second), and the offset is
 * committed once, after that commit. A crash between the two redelivers the batch and the inbox skips
 * it, so effects stay exactly once.
 *
 * A batch whose transaction throws is split in halves, each applied on its own, until the message
 * that fails is alone; that one is retried with backoff and dead-lettered after maxAttempts exactly
 * as createConsumer does, and the messages around it are applied without waiting for its attempts
 * to be spent twice over. A dependency that is down spends no attempt and splits nothing: the same
 * batch waits for it. A message failing its contract goes straight to the DLQ.
 */
export function createBatchConsumer(options: CreateBatchConsumerOptions): EventConsumer {
  const { groupId, pool, inbox, handleBatch } = options;
  const parts = consumerParts(options, 'batch-consumer');
  const { consumer, log, metrics, deadLetters, maxAttempts, backoff, stopping, pause } = parts;
  const maxBatchSize = Math.max(1, options.maxBatchSize ?? 500);
  const transaction = { retries: options.transactionRetries ?? 3, isolationLevel: options.isolationLevel };

  /** False once this batch must not go on: stopping, or the partition went to another member. */
  function active(payload: EachBatchPayload): boolean {
    return !stopping() && payload.isRunning() && !payload.isStale();
  }

  async function commitThrough(payload: EachBatchPayload, offset: string): Promise<void> {
    const { topic, partition } = payload.batch;
    await consumer.commitOffsets([{ topic, partition, offset: (BigInt(offset) + 1n).toString() }]);
    // Resolved only once committed: if the commit throws, kafkajs fetches the batch again, and the
    // inbox turns the redelivery into nothing.
    payload.resolveOffset(offset);
    await payload.heartbeat();
  }

  /** One transaction: the inbox rows of `items` in one statement, then the handler on the new ones. */
  async function runTransaction(items: Pick<Item, 'event' | 'context'>[], attempt: number): Promise<void> {
    const afterCommit = await withTransaction(
      pool,
      async (client) => {
        const fresh = await recordInboxEvents(client, inbox, items.map((i) => i.event.eventId));
        // The same event twice in one batch: the insert returned it once, and only its first copy runs.
        const todo = items.filter((i) => fresh.delete(i.event.eventId.toLowerCase()));
        if (todo.length < items.length) log.debug({ duplicates: items.length - todo.length }, 'duplicate deliveries skipped');
        if (todo.length === 0) return undefined;
        return handleBatch(client, todo.map((i) => ({ event: i.event, context: { ...i.context, attempt } })));
      },
      transaction,
    );
    if (typeof afterCommit === 'function') {
      try {
        afterCommit();
      } catch (err) {
        log.warn({ err }, 'after-commit step of a batch threw; the batch itself is committed');
      }
    }
  }

  /** Waits out a dependency that is down; false when the batch must be abandoned instead. */
  async function waitForDependency(payload: EachBatchPayload, err: unknown, waits: number, items: Item[]): Promise<boolean> {
    const down = dependencyDown(err);
    if (down === undefined) return false;
    const waitMs = backoffDelay(backoff, waits);
    const first = items[0]?.context;
    log.warn({ err: errorText(err), dependency: down, topic: first?.topic, partition: first?.partition, offset: first?.offset, messages: items.length, retryInMs: waitMs }, 'batch waiting for a dependency that is down');
    await pause(waitMs, () => payload.heartbeat(), () => active(payload));
    return true;
  }

  /** Applies `items` (consecutive, in offset order) and commits their offsets; false when abandoned. */
  async function applyRange(payload: EachBatchPayload, items: Item[]): Promise<boolean> {
    const last = items.at(-1);
    if (last === undefined) return true;
    for (let waits = 1; ; waits++) {
      if (!active(payload)) return false;
      try {
        await runTransaction(items, 1);
        break;
      } catch (err) {
        metrics.failed.inc({ topic: last.context.topic, group: groupId }, 1);
        if (await waitForDependency(payload, err, waits, items)) continue;
        if (items.length === 1) return applyAlone(payload, last, err);
        const half = Math.ceil(items.length / 2);
        log.warn({ err: errorText(err), topic: last.context.topic, partition: last.context.partition, messages: items.length }, 'batch failed: applying its halves apart to find the message that fails');
        return (await applyRange(payload, items.slice(0, half))) && applyRange(payload, items.slice(half));
      }
    }
    await commitThrough(payload, last.message.offset);
    return true;
  }

  /** The message that failed alone (attempt 1): its remaining attempts, then the DLQ. */
  async function applyAlone(payload: EachBatchPayload, item: Item, firstError: unknown): Promise<boolean> {
    const { topic, partition, offset } = item.context;
    let lastError = firstError;
    let waits = 0;
    for (let attempt = 1; attempt < maxAttempts; ) {
      log.warn({ err: lastError, topic, partition, offset, eventId: item.event.eventId, eventType: item.event.type, attempt, maxAttempts }, 'handler failed');
      // A long backoff must not let the session time out and trigger a needless rebalance: pause() heartbeats through it.
      if (!(await pause(backoffDelay(backoff, attempt), () => payload.heartbeat(), () => active(payload)))) return false;
      attempt++;
      try {
        await runTransaction([item], attempt);
        await commitThrough(payload, offset);
        return true;
      } catch (err) {
        lastError = err;
        metrics.failed.inc({ topic, group: groupId });
        // Waiting for a dependency does not spend an attempt.
        if (await waitForDependency(payload, err, ++waits, [item])) attempt--;
        else waits = 0;
        if (!active(payload)) return false;
      }
    }
    await deadLetters.write(topic, partition, item.message, 'handler', errorText(lastError), maxAttempts);
    await commitThrough(payload, offset);
    return true;
  }

  async function eachBatch(payload: EachBatchPayload): Promise<void> {
    const { topic, partition, messages } = payload.batch;
    let run: Item[] = [];
    const flush = async (): Promise<boolean> => {
      const items = run;
      run = [];
      return applyRange(payload, items);
    };
    for (const message of messages) {
      if (!active(payload)) return;
      let event: AnyEvent;
      try {
        event = parseEvent(message.value ?? new Uint8Array());
      } catch (err) {
        // Keeps offset order: what came before it is applied first, then it goes to the DLQ.
        if (!(await flush())) return;
        await deadLetters.write(topic, partition, message, 'schema', errorText(err), 0);
        await commitThrough(payload, message.offset);
        continue;
      }
      metrics.consumed.inc({ topic, group: groupId });
      const context = { topic, partition, offset: message.offset, key: message.key?.toString() ?? null, headers: decodeHeaders(message.headers), attempt: 1 };
      run.push({ event, message, context });
      if (run.length >= maxBatchSize && !(await flush())) return;
    }
    await flush();
  }

  /** An operator's replay: the schema, then the one transaction with its inbox row, exactly as a batch of one. */
  async function replay(message: ReplayedMessage): Promise<void> {
    await runTransaction([replayedDelivery(message)], 1);
  }

  return parts.handle({ eachBatchAutoResolve: false, eachBatch }, replay);
}
