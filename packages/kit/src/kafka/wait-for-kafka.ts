// A service's first contact with Kafka at start. A broker that was formatted a moment ago (the first
// `npm start` on a fresh machine, a new cluster) accepts connections before it can serve a consumer
// group: it creates __consumer_offsets on the first group request, and until its partitions are
// loaded every group and offset request fails ("This server does not host this topic-partition",
// "The coordinator is not available"). kafkajs's own retries give up within seconds, so the service
// died and only a second start worked. Here the start waits, bounded, with backoff, and says so in
// the log each time it waits.
import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import { checkKafka } from './health.ts';

export interface WaitForKafkaOptions {
  /** A client whose own log is quiet: a broker still starting is expected here, not a page of errors. */
  kafka: Kafka;
  logger: Logger;
  /** Overall bound; the last failure is thrown after it. 0: one attempt. */
  timeoutMs: number;
  /** A consumer group id the probe asks the coordinator about (it is never joined). */
  probeGroupId: string;
  /** Extra work that must succeed on a ready broker (creating the service's topics). */
  then?: () => Promise<unknown>;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
}

/**
 * Resolves once a broker answers, the group coordinator serves requests, and `then` succeeded; throws
 * the last failure when `timeoutMs` has passed. Each failed attempt is logged at warn with the wait.
 */
export async function waitForKafka(options: WaitForKafkaOptions): Promise<void> {
  const { kafka, logger, timeoutMs } = options;
  const deadline = Date.now() + timeoutMs;
  let backoff = options.initialBackoffMs ?? 500;
  const maxBackoff = options.maxBackoffMs ?? 5_000;
  for (let attempt = 1; ; attempt++) {
    try {
      await checkKafka(kafka, 5_000);
      await coordinatorAnswers(kafka, options.probeGroupId);
      await options.then?.();
      if (attempt > 1) logger.info({ attempts: attempt }, 'kafka is ready');
      return;
    } catch (err) {
      const left = deadline - Date.now();
      // A wrong password or a missing ACL is configuration, not a broker still starting: say so now.
      if (left <= 0 || refusedAccess(err)) throw err;
      const waitMs = Math.min(backoff, left);
      logger.warn({ attempt, retryInMs: waitMs, reason: err instanceof Error ? err.message : String(err) }, 'kafka not ready yet; waiting');
      await new Promise((resolve) => setTimeout(resolve, waitMs));
      backoff = Math.min(maxBackoff, backoff * 2);
    }
  }
}

function refusedAccess(err: unknown): boolean {
  const e = err as { name?: unknown; type?: unknown };
  return e.name === 'KafkaJSSASLAuthenticationError' || (typeof e.type === 'string' && e.type.endsWith('_AUTHORIZATION_FAILED'));
}

/** Describing a group needs its coordinator, i.e. a loaded __consumer_offsets: what every consumer needs first. */
async function coordinatorAnswers(kafka: Kafka, groupId: string): Promise<void> {
  const admin = kafka.admin({ retry: { retries: 1 } });
  await admin.connect();
  try {
    await admin.describeGroups([groupId]);
  } catch (err) {
    // A principal not allowed to describe that group cannot use this check; the wait falls back to
    // the broker answering, and the service's consumers still retry on their own.
    if ((err as { type?: unknown }).type !== 'GROUP_AUTHORIZATION_FAILED') throw err;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
