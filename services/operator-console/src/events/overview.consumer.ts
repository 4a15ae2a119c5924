// The overview's live feed: every event of the topics it follows, from the last hour on, into the
// hub (flows/overview.flow.ts). Each start reads the hour back (each partition's offset at that time),
// so a restarted console does not show an empty hour. The consumer group is this process's own
// (main.ts names it) and commits nothing: a second console has its own group and sees every partition,
// and no committed offset can make a later start skip the hour. Where to read from is kept here
// instead: after a rejoin (kafkajs restarts a crashed consumer, a coordinator moves) each partition
// goes on from the message after the last one counted, so nothing is counted twice or skipped.
// Kafka is not needed for the console to start (operators need it most when something is down): the
// feed keeps trying in the background and reports whether it is live.
import { parseEvent } from '@gateway/contracts';
import type { AnyEvent } from '@gateway/contracts';
import type { Logger } from '@gateway/kit';
import type { Consumer, Kafka } from 'kafkajs';

export type OverviewFeedOptions = {
  kafka: Kafka;
  groupId: string;
  topics: readonly string[];
  /** How far back a start reads (the overview's hour). */
  windowMs: number;
  now: () => number;
  /** Between two attempts to start when Kafka cannot be reached. */
  retryMs: number;
  onEvent: (event: AnyEvent) => void;
  onStatus: (connected: boolean, error?: string) => void;
  logger: Logger;
};

const tp = (topic: string, partition: number) => `${topic}\u0000${partition}`;
const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Starts the feed (in the background, retrying); `stop` ends it. */
export function keepOverviewFeed(options: OverviewFeedOptions): { stop(): Promise<void> } {
  const { kafka, logger } = options;
  /** The next offset to read per partition: the one after the last message handed to onEvent. */
  const positions = new Map<string, string>();
  let consumer: Consumer | undefined;
  let retry: NodeJS.Timeout | undefined;
  let stopped = false;

  async function startingOffsets(): Promise<Map<string, string>> {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const since = options.now() - options.windowMs;
      const out = new Map<string, string>();
      for (const topic of options.topics) {
        for (const p of await admin.fetchTopicOffsetsByTimestamp(topic, since)) out.set(tp(topic, p.partition), p.offset);
      }
      return out;
    } finally {
      await admin.disconnect();
    }
  }

  async function start(): Promise<void> {
    const starts = await startingOffsets();
    const c = kafka.consumer({ groupId: options.groupId, allowAutoTopicCreation: false });
    consumer = c;
    // Every join (the first, and each after a restart or a rebalance) puts each partition where this
    // process left it, or at the window's start; kafkajs applies it before the partition's first fetch.
    c.on(c.events.GROUP_JOIN, ({ payload }) => {
      for (const [topic, partitions] of Object.entries(payload.memberAssignment)) {
        for (const partition of partitions) {
          const offset = positions.get(tp(topic, partition)) ?? starts.get(tp(topic, partition));
          if (offset !== undefined) c.seek({ topic, partition, offset });
        }
      }
      options.onStatus(true);
    });
    c.on(c.events.CRASH, ({ payload }) => {
      options.onStatus(false, payload.error.message);
      // kafkajs restarts the consumer itself after a retriable error; after any other, start afresh.
      if (!payload.restart) void c.disconnect().finally(() => schedule(payload.error));
    });
    try {
      await c.connect();
      await c.subscribe({ topics: [...options.topics], fromBeginning: false });
      await c.run({
        autoCommit: false,
        // eslint-disable-next-line @typescript-eslint/require-await -- kafkajs wants a promise
        eachMessage: async ({ topic, partition, message: m }) => {
          positions.set(tp(topic, partition), (BigInt(m.offset) + 1n).toString());
          let event: AnyEvent;
          try {
            event = parseEvent(JSON.parse(m.value?.toString('utf8') ?? 'null'));
          } catch (error) {
            // Not ours to dead-letter (the services' consumers do): the overview just does not count it.
            logger.debug({ topic, offset: m.offset, err: message(error) }, 'overview: not an event, skipped');
            return;
          }
          options.onEvent(event);
        },
      });
    } catch (error) {
      await c.disconnect().catch(() => undefined);
      throw error;
    }
  }

  function schedule(error: unknown): void {
    if (stopped) return;
    logger.warn({ err: message(error), retryInMs: options.retryMs }, 'overview: the Kafka feed is not live; trying again');
    options.onStatus(false, message(error));
    retry = setTimeout(attempt, options.retryMs);
  }

  function attempt(): void {
    if (stopped) return;
    start().catch(schedule);
  }

  attempt();
  return {
    async stop() {
      stopped = true;
      clearTimeout(retry);
      await consumer?.disconnect().catch(() => undefined);
    },
  };
}
