// The dead-letter ledger every consuming service runs. A consumer writes a message it cannot handle to
// `<topic>.dlq` (kafka/dlq.ts), where nobody saw it; the ledger reads the `.dlq` twins of the topics
// the service's consumers read, in a group of its own, and stores each record one of THIS service's
// groups wrote (two services may consume one topic) in dead_letters, for the operator's list.
//
// Replay goes to the group that failed, in this process (EventConsumer.replay): the message runs the
// path a fresh delivery takes, once, with no Write on a foreign topic and no second copy for the other
// groups of that topic to see. A replayed row stays replayed; a failed replay leaves it open with the
// attempt and the reason counted, so the operator sees why at once.
import type { Kafka, KafkaMessage } from 'kafkajs';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import { appendAudit } from '../audit/pg-audit-store.ts';
import { withTransaction } from '../db/transaction.ts';
import { errorText } from '../kafka/consumer-parts.ts';
import type { EventConsumer } from '../kafka/consumer-parts.ts';
import { decodeHeaders, dlqHeaders, truncateReason } from '../kafka/dlq.ts';
import { dlqTopicFor } from '../kafka/topics.ts';
import { insertDeadLetter, lockDeadLetter, markReplayed, recordReplayFailure } from './dead-letter-store.ts';
import type { DeadLetterRow, NewDeadLetter } from './dead-letter-store.ts';

export const DEAD_LETTER_REPLAY_ACTION = 'dead-letter.replay';

export interface DeadLetterLedgerOptions {
  kafka: Kafka;
  pool: Pool;
  logger: Logger;
  /** The ledger's own consumer group; under the service's group prefix (its Kafka ACLs cover it). */
  groupId: string;
  /** The service's consumers: whose dead letters are stored, and who replays them. */
  consumers: readonly EventConsumer[];
  sessionTimeoutMs?: number;
  heartbeatIntervalMs?: number;
}

export type ReplayOutcome =
  | { outcome: 'replayed'; row: DeadLetterRow }
  | { outcome: 'failed'; row: DeadLetterRow; reason: string }
  | { outcome: 'not_found' };

export interface DeadLetterLedger {
  start(): Promise<void>;
  /** Resolves once the ledger's consumer joined its group (tests, before producing). */
  joined(): Promise<void>;
  stop(): Promise<void>;
  /** Replays one open row to its group, audited as `actor`; a replayed row is answered unchanged. */
  replay(id: string, actor: string, requestId?: string): Promise<ReplayOutcome>;
}

const dlqHeaderNames = new Set<string>(Object.values(dlqHeaders));

/** A DLQ record as a dead_letters row, or undefined when it is not a dead letter (no dlq-* headers). */
export function deadLetterOf(topic: string, partition: number, message: KafkaMessage): NewDeadLetter | undefined {
  const all = decodeHeaders(message.headers);
  const group = all[dlqHeaders.consumerGroup];
  const originalTopic = all[dlqHeaders.originalTopic];
  const kind = all[dlqHeaders.kind];
  if (group === undefined || originalTopic === undefined || (kind !== 'schema' && kind !== 'handler')) return undefined;
  const headers = Object.fromEntries(Object.entries(all).filter(([name]) => !dlqHeaderNames.has(name)));
  const failedAt = new Date(all[dlqHeaders.failedAt] ?? Number(message.timestamp));
  return {
    dlqTopic: topic,
    dlqPartition: partition,
    dlqOffset: message.offset,
    key: message.key,
    value: message.value,
    headers,
    reason: all[dlqHeaders.reason] ?? '',
    kind,
    originalTopic,
    originalPartition: Number(all[dlqHeaders.originalPartition] ?? -1),
    originalOffset: all[dlqHeaders.originalOffset] ?? '-1',
    group,
    attempts: Number(all[dlqHeaders.attempts] ?? 0),
    failedAt: Number.isNaN(failedAt.getTime()) ? new Date() : failedAt,
  };
}

export function createDeadLetterLedger(options: DeadLetterLedgerOptions): DeadLetterLedger {
  const { kafka, pool, groupId } = options;
  const log = options.logger.child({ component: 'dead-letter-ledger', groupId });
  const byGroup = new Map(options.consumers.map((c) => [c.groupId, c]));
  const topics = [...new Set(options.consumers.flatMap((c) => c.topics.map(dlqTopicFor)))];
  const sessionTimeout = options.sessionTimeoutMs ?? 10_000;
  const consumer = kafka.consumer({
    groupId,
    sessionTimeout,
    heartbeatInterval: options.heartbeatIntervalMs ?? Math.floor(sessionTimeout / 5),
    allowAutoTopicCreation: false,
  });
  const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
  let stopping = false;

  return {
    async start() {
      if (topics.length === 0) return;
      try {
        await consumer.connect();
        // From the beginning: dead letters written before the ledger first ran are still to be seen.
        await consumer.subscribe({ topics, fromBeginning: true });
        // kafkajs commits an offset only after eachMessage returned, so a crash or a Postgres outage
        // means redelivery, and the unique DLQ position makes that store nothing twice.
        await consumer.run({
          eachMessage: async ({ topic, partition, message }) => {
            const row = deadLetterOf(topic, partition, message);
            if (row === undefined || !byGroup.has(row.group)) return;
            await insertDeadLetter(pool, row);
            log.info({ topic: row.originalTopic, group: row.group, kind: row.kind, offset: row.originalOffset }, 'dead letter recorded');
          },
        });
      } catch (err) {
        if (stopping) return;
        throw err;
      }
    },
    joined: () => (topics.length === 0 ? Promise.resolve() : joined),
    async stop() {
      stopping = true;
      await consumer.disconnect();
    },
    async replay(id, actor, requestId) {
      // The row stays locked while its group handles it, so two operators replaying it at once
      // handle it once: the second finds it replayed.
      return withTransaction(pool, async (client): Promise<ReplayOutcome> => {
        const row = await lockDeadLetter(client, id);
        if (row === undefined) return { outcome: 'not_found' };
        if (row.state === 'replayed') return { outcome: 'replayed', row };
        const target = byGroup.get(row.group);
        let failure: string | undefined;
        if (target === undefined) {
          failure = `No consumer of group ${row.group} runs in this service any more.`;
        } else {
          try {
            await target.replay({ topic: row.originalTopic, partition: row.originalPartition, offset: row.originalOffset, key: row.key, value: row.value, headers: row.headers });
          } catch (err) {
            failure = truncateReason(errorText(err));
          }
        }
        const detail = { group: row.group, topic: row.originalTopic, offset: row.originalOffset, outcome: failure === undefined ? 'replayed' : 'failed', ...(failure === undefined ? {} : { reason: truncateReason(failure, 500) }) };
        await appendAudit(client, { actor, action: DEAD_LETTER_REPLAY_ACTION, target: id, detail, requestId: requestId ?? null });
        if (failure !== undefined) {
          await recordReplayFailure(client, id, failure);
          log.warn({ id, group: row.group, reason: failure }, 'dead letter replay failed');
          return { outcome: 'failed', row: { ...row, replayAttempts: row.replayAttempts + 1, lastReplayError: failure }, reason: failure };
        }
        const replayed = await markReplayed(client, id, actor);
        log.info({ id, group: row.group, by: actor }, 'dead letter replayed');
        return { outcome: 'replayed', row: replayed ?? row };
      });
    },
  };
}
