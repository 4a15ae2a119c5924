// Poison-row isolation: when a batch keeps failing although the broker answers, or Kafka refuses
// something in it for good, the relay publishes the batch row by row to find the row(s) Kafka
// refuses and parks them, so one poison row does not hold up every row behind it.
import type { Kafka } from 'kafkajs';
import type { PoolClient } from 'pg';
import type { Logger } from 'pino';
import { errorText } from './outbox-row.ts';
import type { OutboxRow } from './outbox-row.ts';
import type { RelayProducer } from './relay-producer.ts';

/**
 * Broker answers about the message or its topic that no retry or broker restart can change. Only
 * these park a row at once. Deliberately a short list rather than kafkajs's `retriable: false`: that
 * flag is also false for failures of the whole producer or cluster (authorization of the cluster,
 * unsupported version, a retry budget running out while the broker is down), and parking on those
 * would park every row. (parked-rows.ts reads the same names back out of last_error.)
 */
const rejectionTypes = new Set([
  'MESSAGE_TOO_LARGE',
  'RECORD_LIST_TOO_LARGE',
  'INVALID_RECORD',
  'INVALID_TOPIC_EXCEPTION',
  'TOPIC_AUTHORIZATION_FAILED',
]);

/** The broker's final rejection in `err`, looking through kafkajs's wrappers (cause, aggregate errors). */
export function kafkaRejection(err: unknown): string | undefined {
  const seen = new Set<unknown>();
  const visit = (e: unknown): string | undefined => {
    if (typeof e !== 'object' || e === null || seen.has(e)) return undefined;
    seen.add(e);
    const { type, retriable, cause, errors } = e as { type?: unknown; retriable?: unknown; cause?: unknown; errors?: unknown };
    if (typeof type === 'string' && retriable === false && rejectionTypes.has(type)) return type;
    const found = visit(cause);
    if (found) return found;
    if (Array.isArray(errors)) for (const inner of errors) {
      const f = visit(inner);
      if (f) return f;
    }
    return undefined;
  };
  return visit(err);
}

/**
 * The topics a broker lists right now, or undefined if none answers within `timeoutMs`. Parking
 * depends on this answer: no answer, no parking, so an unreachable broker only ever means waiting.
 */
export async function brokerTopics(kafka: Kafka, log: Logger, timeoutMs = 5_000): Promise<Set<string> | undefined> {
  const admin = kafka.admin({ retry: { retries: 0 } });
  let timer: NodeJS.Timeout | undefined;
  const probe = (async () => {
    await admin.connect();
    return new Set(await admin.listTopics());
  })();
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), timeoutMs);
  });
  try {
    return await Promise.race([probe, timeout]);
  } catch (err) {
    log.debug({ err }, 'broker did not list topics');
    return undefined;
  } finally {
    clearTimeout(timer);
    void probe.catch(() => undefined).finally(() => admin.disconnect().catch(() => undefined));
  }
}

export interface Isolation {
  published: number[];
  parked: { row: OutboxRow; reason: string }[];
  failed: { row: OutboxRow; reason: string }[];
  /** A row failed alone for a reason that is not the row's (broker trouble): the pass stopped there. */
  stoppedBy?: Error;
}

/**
 * Publishes a failed batch's rows one at a time, in id order, to find the rows Kafka refuses. A row
 * is parked only on its own final rejection, or when its topic is missing on a broker that answers
 * and it has failed `isolateAfter` times (a topic created a little late is not a poison row). Any
 * other failure stops the pass: it is the broker's, not the row's, and the rest waits as before.
 *
 * A rejected batch may have been written in part (the broker accepts or refuses each partition on
 * its own), so rows sent here may be published twice; consumers dedupe by event id (inbox).
 */
export async function isolate(rows: OutboxRow[], topics: Set<string>, producer: RelayProducer, isolateAfter: number): Promise<Isolation> {
  const result: Isolation = { published: [], parked: [], failed: [] };
  // Keys with an earlier row parked or not published in this pass: later rows of the key wait.
  const held = new Set<string>();
  for (const row of rows) {
    const keyOf = `${row.topic}\u0000${row.key}`;
    if (held.has(keyOf)) continue;
    if (result.stoppedBy !== undefined) {
      held.add(keyOf);
      result.failed.push({ row, reason: errorText(result.stoppedBy) });
      continue;
    }
    if (!topics.has(row.topic)) {
      held.add(keyOf);
      const reason = `topic "${row.topic}" does not exist on the broker (auto-creation is off)`;
      (row.attempts + 1 >= isolateAfter ? result.parked : result.failed).push({ row, reason });
      continue;
    }
    try {
      await producer.send([row]);
      result.published.push(row.id);
    } catch (err) {
      await producer.discard();
      held.add(keyOf);
      if (kafkaRejection(err)) result.parked.push({ row, reason: errorText(err) });
      else {
        result.stoppedBy = err instanceof Error ? err : new Error(String(err));
        result.failed.push({ row, reason: errorText(err) });
      }
    }
  }
  return result;
}

/** Writes an isolation pass's outcome inside the claim's transaction (`client` is in BEGIN). */
export async function saveIsolation(client: PoolClient, result: Isolation): Promise<void> {
  if (result.published.length > 0) {
    await client.query('UPDATE outbox SET published_at = now(), attempts = attempts + 1, last_error = NULL WHERE id = ANY($1::bigint[])', [result.published]);
  }
  for (const [list, parkedAt] of [[result.parked, 'now()'], [result.failed, 'NULL']] as const) {
    if (list.length === 0) continue;
    await client.query(
      `UPDATE outbox o SET attempts = o.attempts + 1, last_error = v.reason, parked_at = ${parkedAt}
       FROM unnest($1::bigint[], $2::text[]) AS v(id, reason) WHERE o.id = v.id`,
      [list.map((p) => p.row.id), list.map((p) => p.reason.slice(0, 2_000))],
    );
  }
}
