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
import { aclsFor, createKafka, dlqTopicFor, ensureTopics, observerAclsFor, syncAcls } from '@gateway/kit';
import type { ObserverKafkaAccess, ServiceKafkaAccess } from '@gateway/kit';
import * as bankAdapter from '../../services/bank-adapter/src/events/topics.ts';
import * as billing from '../../services/billing/src/events/topics.ts';
import * as notification from '../../services/notification/src/events/topics.ts';
import * as operatorConsole from '../../services/operator-console/src/events/topics.ts';
import * as paymentOrchestration from '../../services/payment-orchestration/src/events/topics.ts';

interface ServiceTopics {
  publishedTopics: readonly TopicName[];
  consumedTopics: readonly TopicName[];
  consumerGroupPrefix: string;
}

// Keyed by the service's name, which is its principal (and the owner named in the catalogue).
const services: Record<string, ServiceTopics> = {
  billing,
  'payment-orchestration': paymentOrchestration,
  'bank-adapter': bankAdapter,
  notification,
};

function accessOf(principal: string, service: ServiceTopics): ServiceKafkaAccess {
  const owns = topicNames.filter((name) => topics[name].owner === principal);
  // A service publishing to a topic the catalogue gives to another would be refused at run time;
  // say so here, where the two lists meet.
  const foreign = service.publishedTopics.filter((name) => topics[name].owner !== principal);
  if (foreign.length > 0) throw new Error(`${principal} publishes to ${foreign.join(', ')}, which the topic catalogue gives to another owner`);
  return { principal, owns, consumes: service.consumedTopics, groupPrefix: service.consumerGroupPrefix };
}

const accesses = Object.entries(services).map(([principal, service]) => accessOf(principal, service));
const unowned = topicNames.filter((name) => !accesses.some((a) => a.owns.includes(name)));
if (unowned.length > 0) throw new Error(`no service owns ${unowned.join(', ')}`);

// The operator console watches: it reads the topics its overview follows (from the last hour, under
// its own group prefix) and describes every topic and the services' groups for their lag and the
// dead-letter counts. It writes nothing.
for (const [service, prefix] of Object.entries(operatorConsole.serviceGroupPrefixes)) {
  if (services[service]?.consumerGroupPrefix !== prefix) throw new Error(`operator-console: the group prefix of ${service} is ${services[service]?.consumerGroupPrefix}, not ${prefix}`);
}
const consoleAccess: ObserverKafkaAccess = {
  principal: 'operator-console',
  reads: operatorConsole.consumedTopics,
  groupPrefix: operatorConsole.consumerGroupPrefix,
  describesTopics: topicNames.flatMap((name) => [name, dlqTopicFor(name)]),
  describesGroupPrefixes: Object.values(operatorConsole.serviceGroupPrefixes),
};
// The issuing authorities of government fees (issue 16) are outside consumers: each reads billing.bills
// (bill.settled of its fee orders, filtered on billerId; see the AsyncAPI document) in consumer groups
// of its own prefix, and may write and describe nothing else. Named by billerId.
const authorityAccesses: ObserverKafkaAccess[] = ['civil-registry'].map((billerId) => ({
  principal: billerId,
  reads: ['billing.bills'],
  groupPrefix: `${billerId}.`,
  describesTopics: [],
  describesGroupPrefixes: [],
}));
const principals = [...accesses.map((a) => a.principal), consoleAccess.principal, ...authorityAccesses.map((a) => a.principal)];

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
    [...accesses.flatMap((a) => aclsFor(a)), ...observerAclsFor(consoleAccess), ...authorityAccesses.flatMap((a) => observerAclsFor(a))],
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
