import type { Kafka } from 'kafkajs';

export interface TopicToEnsure {
  topic: string;
  numPartitions: number;
  /** Defaults to 1, for the single local broker; production sets 3. */
  replicationFactor?: number;
}

/**
 * Same naming rule as contracts' `dlqTopicOf`, but for any topic name: tests use unique topics
 * that are not in the contract's topic list.
 */
export function dlqTopicFor(topic: string): string {
  return `${topic}.dlq`;
}

export interface EnsureTopicsOptions {
  /** Also create each topic's `.dlq` twin (same partition count). Default true. */
  withDlq?: boolean;
}

/**
 * Creates the missing topics (and their dead-letter twins). Services call this at start; several
 * starting together may race, and "already exists" from the loser is success.
 */
export async function ensureTopics(kafka: Kafka, wanted: TopicToEnsure[], options: EnsureTopicsOptions = {}): Promise<string[]> {
  const withDlq = options.withDlq ?? true;
  const all = new Map<string, TopicToEnsure>();
  for (const t of wanted) {
    all.set(t.topic, t);
    if (withDlq && !t.topic.endsWith('.dlq')) {
      const dlq = dlqTopicFor(t.topic);
      if (!all.has(dlq)) all.set(dlq, { ...t, topic: dlq });
    }
  }
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = [...all.values()].filter((t) => !existing.has(t.topic));
    if (missing.length > 0) {
      // Resolves false when another process created them first; that is fine.
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((t) => ({
          topic: t.topic,
          numPartitions: t.numPartitions,
          replicationFactor: t.replicationFactor ?? 1,
        })),
      });
      // After a lost race createTopics returns without waiting for leaders; a producer started right
      // after would fail with "no metadata", so wait for them here either way.
      await admin.fetchTopicMetadata({ topics: missing.map((t) => t.topic) });
    }
    return missing.map((t) => t.topic);
  } finally {
    await admin.disconnect();
  }
}
