import type { Admin, Kafka } from 'kafkajs';

export interface TopicToEnsure {
  topic: string;
  numPartitions: number;
  /** Defaults to the broker's default.replication.factor: 1 on the single local broker, 3 on the cluster profile's. */
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
  /** How long to wait for the new topics' partition leaders before failing. Default 30 s. */
  leaderTimeoutMs?: number;
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
      // Resolves false when another process created them first; that is fine. kafkajs's own wait for
      // leaders retries only LEADER_NOT_AVAILABLE, but a broker that has just started (or a lost race)
      // may answer UNKNOWN_TOPIC_OR_PARTITION for a moment too, so the wait is ours.
      await admin.createTopics({
        waitForLeaders: false,
        topics: missing.map((t) => ({
          topic: t.topic,
          numPartitions: t.numPartitions,
          replicationFactor: t.replicationFactor ?? -1,
        })),
      });
      await waitForLeaders(admin, missing.map((t) => t.topic), options.leaderTimeoutMs ?? 30_000);
    }
    return missing.map((t) => t.topic);
  } finally {
    await admin.disconnect();
  }
}

// Errors a just-created topic answers with until its partitions have leaders the broker knows of.
const NOT_READY_YET = new Set(['UNKNOWN_TOPIC_OR_PARTITION', 'LEADER_NOT_AVAILABLE']);

async function waitForLeaders(admin: Admin, topics: string[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const { topics: found } = await admin.fetchTopicMetadata({ topics });
      if (found.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))) return;
    } catch (err) {
      if (!NOT_READY_YET.has((err as { type?: string }).type ?? '') || Date.now() >= deadline) throw err;
    }
    if (Date.now() >= deadline) throw new Error(`the partitions of ${topics.join(', ')} have no leader after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
