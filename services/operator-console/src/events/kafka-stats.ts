// What the overview asks the Kafka admin API: each service's consumer lag (its groups' committed
// offsets against the topics' end offsets) and the messages on the dead-letter topics. The console's
// principal may describe those groups and topics, nothing more (infra/local/kafka-acls.ts).
import { topicNames } from '@gateway/contracts';
import { dlqTopicFor } from '@gateway/kit';
import type { Admin, Kafka } from 'kafkajs';

export type GroupLag = { groupId: string; lag: number };
export type ServiceLag = { service: string; lag: number; groups: GroupLag[] };
export type DeadLetterTopic = { topic: string; messages: number };

export type KafkaStats = {
  consumerLag(): Promise<ServiceLag[]>;
  /** Messages kept on each `*.dlq` topic (end offset minus start offset): dead letters not yet expired. */
  deadLetterTopics(): Promise<DeadLetterTopic[]>;
  close(): Promise<void>;
};

export function createKafkaStats(kafka: Kafka, groupPrefixes: Readonly<Record<string, string>>): KafkaStats {
  let admin: Admin | undefined;
  async function connected(): Promise<Admin> {
    if (admin === undefined) {
      const fresh = kafka.admin();
      await fresh.connect();
      admin = fresh;
    }
    return admin;
  }
  async function endOffsets(a: Admin, topic: string): Promise<Map<number, { high: number; low: number }>> {
    const offsets = await a.fetchTopicOffsets(topic);
    return new Map(offsets.map((o) => [o.partition, { high: Number(o.high), low: Number(o.low) }]));
  }
  async function guarded<T>(work: (a: Admin) => Promise<T>): Promise<T> {
    try {
      return await work(await connected());
    } catch (error) {
      // A broken connection is made afresh on the next call.
      const old = admin;
      admin = undefined;
      await old?.disconnect().catch(() => undefined);
      throw error;
    }
  }

  return {
    consumerLag: () =>
      guarded(async (a) => {
        const { groups } = await a.listGroups();
        const ends = new Map<string, Promise<Map<number, { high: number; low: number }>>>();
        const out: ServiceLag[] = [];
        for (const [service, prefix] of Object.entries(groupPrefixes)) {
          const lags: GroupLag[] = [];
          for (const { groupId } of groups.filter((g) => g.groupId.startsWith(prefix)).sort((x, y) => x.groupId.localeCompare(y.groupId))) {
            const committed = await a.fetchOffsets({ groupId });
            let lag = 0;
            let any = false;
            for (const { topic, partitions } of committed) {
              if (!ends.has(topic)) ends.set(topic, endOffsets(a, topic));
              const end = await ends.get(topic)!;
              for (const p of partitions) {
                const offset = Number(p.offset);
                const bounds = end.get(p.partition);
                if (offset < 0 || bounds === undefined) continue;
                any = true;
                lag += Math.max(0, bounds.high - offset);
              }
            }
            // A group that never committed (the services' start-up probe) has no lag to show.
            if (any) lags.push({ groupId, lag });
          }
          out.push({ service, lag: lags.reduce((n, g) => n + g.lag, 0), groups: lags });
        }
        return out;
      }),
    deadLetterTopics: () =>
      guarded(async (a) =>
        Promise.all(
          topicNames.map(async (name) => {
            const topic = dlqTopicFor(name);
            const offsets = await endOffsets(a, topic);
            return { topic, messages: [...offsets.values()].reduce((n, o) => n + Math.max(0, o.high - o.low), 0) };
          }),
        ),
      ),
    async close() {
      await admin?.disconnect().catch(() => undefined);
      admin = undefined;
    },
  };
}
