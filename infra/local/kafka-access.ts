// Who may do what on Kafka, derived from the contracts' topic catalogue (who owns each topic) and each
// service's src/events/topics.ts (what it publishes and consumes, its group prefix), so there is no
// second, hand-kept list to drift. Read by infra/local/kafka-acls.ts (the local broker's ACLs) and by
// the Helm chart's test (infra/helm/test), which checks the chart's KafkaUser ACLs against it.
import { topicNames, topics } from '@gateway/contracts';
import type { TopicName } from '@gateway/contracts';
import { aclsFor, dlqTopicFor, observerAclsFor } from '@gateway/kit';
import type { AclEntry } from 'kafkajs';
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

export const accesses = Object.entries(services).map(([principal, service]) => accessOf(principal, service));
const unowned = topicNames.filter((name) => !accesses.some((a) => a.owns.includes(name)));
if (unowned.length > 0) throw new Error(`no service owns ${unowned.join(', ')}`);

// The operator console watches: it reads the topics its overview follows (from the last hour, under
// its own group prefix) and describes every topic and the services' groups for their lag and the
// dead-letter counts. It writes nothing.
for (const [service, prefix] of Object.entries(operatorConsole.serviceGroupPrefixes)) {
  if (services[service]?.consumerGroupPrefix !== prefix) throw new Error(`operator-console: the group prefix of ${service} is ${services[service]?.consumerGroupPrefix}, not ${prefix}`);
}
export const consoleAccess: ObserverKafkaAccess = {
  principal: 'operator-console',
  reads: operatorConsole.consumedTopics,
  groupPrefix: operatorConsole.consumerGroupPrefix,
  describesTopics: topicNames.flatMap((name) => [name, dlqTopicFor(name)]),
  describesGroupPrefixes: Object.values(operatorConsole.serviceGroupPrefixes),
};
// The issuing authorities of government fees (issue 16) are outside consumers: each reads billing.bills
// (bill.settled of its fee orders, filtered on billerId; see the AsyncAPI document) in consumer groups
// of its own prefix, and may write and describe nothing else. Named by billerId.
export const authorityAccesses: ObserverKafkaAccess[] = ['civil-registry'].map((billerId) => ({
  principal: billerId,
  reads: ['billing.bills'],
  groupPrefix: `${billerId}.`,
  describesTopics: [],
  describesGroupPrefixes: [],
}));
export const principals = [...accesses.map((a) => a.principal), consoleAccess.principal, ...authorityAccesses.map((a) => a.principal)];

/** Every principal's ACLs: what the broker must hold, no more. */
export function allAcls(): AclEntry[] {
  return [...accesses.flatMap((a) => aclsFor(a)), ...observerAclsFor(consoleAccess), ...authorityAccesses.flatMap((a) => observerAclsFor(a))];
}

