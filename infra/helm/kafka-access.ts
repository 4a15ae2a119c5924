// The chart's Kafka topics and users in Strimzi's terms, derived from the same sources as the local
// broker's (infra/local/kafka-access.ts: the contracts' topic catalogue and the services' topics.ts),
// so the chart cannot drift from them. `node infra/helm/kafka-access.ts` rewrites
// infra/helm/gateway/files/kafka-access.json, which the chart renders KafkaTopic and KafkaUser from;
// the chart's test (infra/helm/test/chart.test.ts) fails when the file is stale.
import { writeFileSync } from 'node:fs';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { dlqTopicOf, topicNames, topics } from '@gateway/contracts';
import kafkajs from 'kafkajs';
import { allAcls, principals } from '../local/kafka-access.ts';

const { AclOperationTypes, AclResourceTypes, ResourcePatternTypes } = kafkajs;

export const kafkaAccessFile = fileURLToPath(new URL('gateway/files/kafka-access.json', import.meta.url));

/** Strimzi's KafkaUser ACL rule: one resource, its operations. */
export interface StrimziAcl {
  resource: { type: 'topic' | 'group'; name: string; patternType: 'literal' | 'prefix' };
  operations: string[];
}

const nameOf = (enumeration: object, value: number): string => {
  const found = Object.entries(enumeration).find(([, v]) => v === value);
  if (!found) throw new Error(`no name for ${value}`);
  return found[0];
};
// Strimzi spells operations in CamelCase (Read, Write, Create, Describe).
const camel = (upper: string) => upper.charAt(0) + upper.slice(1).toLowerCase();

/** Every principal's ACLs grouped by resource, in the order kit's aclsFor gives them. */
export function strimziAclsByUser(): Record<string, StrimziAcl[]> {
  const out: Record<string, StrimziAcl[]> = Object.fromEntries(principals.map((p) => [p, []]));
  for (const acl of allAcls()) {
    const user = acl.principal.replace(/^User:/, '');
    const type = nameOf(AclResourceTypes, acl.resourceType).toLowerCase();
    const pattern = nameOf(ResourcePatternTypes, acl.resourcePatternType);
    if ((type !== 'topic' && type !== 'group') || (pattern !== 'LITERAL' && pattern !== 'PREFIXED')) throw new Error(`unexpected ACL ${JSON.stringify(acl)}`);
    const patternType = pattern === 'LITERAL' ? 'literal' : 'prefix';
    const rules = out[user] ?? [];
    let rule = rules.find((r) => r.resource.type === type && r.resource.name === acl.resourceName && r.resource.patternType === patternType);
    if (!rule) {
      rule = { resource: { type, name: acl.resourceName, patternType }, operations: [] };
      rules.push(rule);
    }
    const operation = camel(nameOf(AclOperationTypes, acl.operation));
    if (!rule.operations.includes(operation)) rule.operations.push(operation);
    out[user] = rules;
  }
  return out;
}

/** What the chart reads: the catalogue's topics (each with its dead-letter twin) and the users' ACLs. */
export function kafkaAccess() {
  return {
    topics: topicNames.map((name) => ({ name, dlq: dlqTopicOf(name), partitions: topics[name].partitions })),
    users: Object.entries(strimziAclsByUser()).map(([name, acls]) => ({ name, acls })),
  };
}

export const kafkaAccessJson = () => `${JSON.stringify(kafkaAccess(), null, 2)}\n`;

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(kafkaAccessFile, kafkaAccessJson());
  process.stdout.write(`wrote ${kafkaAccessFile}\n`);
}
