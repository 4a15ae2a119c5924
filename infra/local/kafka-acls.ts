// The local Kafka's principals and ACLs, derived from the contracts' topic catalogue (who owns each
// topic) and each service's src/events/topics.ts (what it publishes and consumes, its group prefix),
// so there is no second, hand-kept list to drift. Run by infra/local/kafka.sh:
//   node infra/local/kafka-acls.ts principals   one service principal a line (the SCRAM users to create)
//   node infra/local/kafka-acls.ts apply        makes the broker's ACLs match and creates the catalogue's
//                                               missing topics (KAFKA_BROKERS, KAFKA_ADMIN_USERNAME/PASSWORD)
// Partition counts: the catalogue's (6 for the two busy topics, 3 for the rest: enough for this
// 2-core machine's KAFKA_CONSUMER_CONCURRENCY=3), or KAFKA_TOPIC_PARTITIONS=billing.bills=24,... for a
// cluster. They apply when a topic is created: growing a live topic moves keys to other partitions,
// and so breaks per-key order for the events in flight; grow one only while its consumers are drained.
import process from 'node:process';
import pino from 'pino';
import { topicNames, topics } from '@gateway/contracts';
import type { TopicName } from '@gateway/contracts';
import { createKafka, ensureTopics, syncAcls } from '@gateway/kit';
import { allAcls, principals } from './kafka-access.ts';

/** `billing.bills=24,payments.payments=24` → counts by topic; a name outside the catalogue is an error. */
function partitionOverrides(text: string): Map<TopicName, number> {
  const out = new Map<TopicName, number>();
  for (const pair of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const [name, count] = pair.split('=');
    const n = Number(count);
    if (!name || !Object.hasOwn(topics, name)) throw new Error(`KAFKA_TOPIC_PARTITIONS: ${name} is not a topic of the catalogue`);
    if (!Number.isSafeInteger(n) || n < 1 || n > 1_000) throw new Error(`KAFKA_TOPIC_PARTITIONS: ${pair} needs a count of 1..1000`);
    out.set(name as TopicName, n);
  }
  return out;
}

const command = process.argv[2];
if (command === 'principals') {
  process.stdout.write(principals.map((p) => `${p}\n`).join(''));
} else if (command === 'apply') {
  const env = process.env;
  const username = env['KAFKA_ADMIN_USERNAME'];
  const password = env['KAFKA_ADMIN_PASSWORD'];
  if (!env['KAFKA_BROKERS'] || !username || !password) throw new Error('KAFKA_BROKERS, KAFKA_ADMIN_USERNAME and KAFKA_ADMIN_PASSWORD are required');
  const partitions = partitionOverrides(env['KAFKA_TOPIC_PARTITIONS'] ?? '');
  const kafka = createKafka({
    brokers: env['KAFKA_BROKERS'].split(','),
    clientId: 'kafka-acls',
    logger: pino({ level: 'warn' }),
    sasl: { mechanism: 'scram-sha-512', username, password },
  });
  const { created, deleted } = await syncAcls(
    kafka,
    allAcls(),
    principals,
  );
  // Every topic of the catalogue (and its dead-letter twin) exists before any service starts: a
  // service may create only what it owns, so on a fresh broker billing could not make the
  // payments.payments it consumes, and would fail its start if orchestration had not yet run.
  const made = await ensureTopics(
    kafka,
    topicNames.map((name) => ({ topic: name, numPartitions: partitions.get(name) ?? topics[name].partitions })),
  );
  process.stdout.write(`kafka-acls: ${principals.length} principals; ${created} ACLs created, ${deleted} deleted; ${made.length} topics created\n`);
} else {
  process.stderr.write('usage: node infra/local/kafka-acls.ts principals|apply\n');
  process.exit(2);
}
