import kafkajs from 'kafkajs';
import type { AclEntry, Kafka } from 'kafkajs';
import { dlqTopicFor } from './topics.ts';

const { AclOperationTypes, AclPermissionTypes, AclResourceTypes, ResourcePatternTypes } = kafkajs;

/** What one service may do on Kafka: the ground its principal's ACLs are derived from. */
export interface ServiceKafkaAccess {
  /** The SASL user name; the ACL principal is `User:<principal>`. */
  principal: string;
  /** Topics it owns: it creates them (and their `.dlq` twins) at start and is their only writer. */
  owns: readonly string[];
  /** Topics it consumes; it also writes their `.dlq` twins (its consumer's dead letters) and reads them (its ledger). */
  consumes: readonly string[];
  /** Its consumer groups all start with this. */
  groupPrefix: string;
}

type Operation = 'READ' | 'WRITE' | 'CREATE' | 'DESCRIBE';

function allow(principal: string, resourceType: 'TOPIC' | 'GROUP', resourceName: string, operation: Operation, prefixed = false): AclEntry {
  return {
    principal: `User:${principal}`,
    host: '*',
    resourceType: AclResourceTypes[resourceType],
    resourceName,
    resourcePatternType: prefixed ? ResourcePatternTypes.PREFIXED : ResourcePatternTypes.LITERAL,
    operation: AclOperationTypes[operation],
    permissionType: AclPermissionTypes.ALLOW,
  };
}

/**
 * The allow-list of one service. Everything else is denied by the broker (no ACL, no access).
 * Literal topic names, not prefixes: `payments.` would also cover `payments.payments` for a reader of
 * `payments.intents`. WRITE on an owned topic also authorises the idempotent producer's id request.
 */
export function aclsFor(access: ServiceKafkaAccess): AclEntry[] {
  const { principal } = access;
  const acls: AclEntry[] = [];
  for (const topic of access.owns) {
    acls.push(allow(principal, 'TOPIC', topic, 'CREATE'), allow(principal, 'TOPIC', topic, 'DESCRIBE'), allow(principal, 'TOPIC', topic, 'WRITE'));
    // Created beside its topic at start (ensureTopics); written only by the topic's consumers.
    acls.push(allow(principal, 'TOPIC', dlqTopicFor(topic), 'CREATE'), allow(principal, 'TOPIC', dlqTopicFor(topic), 'DESCRIBE'));
  }
  for (const topic of access.consumes) {
    acls.push(allow(principal, 'TOPIC', topic, 'DESCRIBE'), allow(principal, 'TOPIC', topic, 'READ'));
    // WRITE: its consumers' dead letters; READ: its dead-letter ledger's (dead-letters/dead-letter-ledger.ts).
    acls.push(allow(principal, 'TOPIC', dlqTopicFor(topic), 'DESCRIBE'), allow(principal, 'TOPIC', dlqTopicFor(topic), 'WRITE'), allow(principal, 'TOPIC', dlqTopicFor(topic), 'READ'));
  }
  if (access.consumes.length > 0) {
    acls.push(allow(principal, 'GROUP', access.groupPrefix, 'DESCRIBE', true), allow(principal, 'GROUP', access.groupPrefix, 'READ', true));
  }
  return acls;
}

/**
 * What a watcher of the others may do (the operator console): read the topics it follows, with
 * consumer groups under its own prefix, and only describe the rest: topics (end offsets, dead-letter
 * counts) and the services' consumer groups (their committed offsets, so their lag). It writes nothing.
 */
export interface ObserverKafkaAccess {
  principal: string;
  reads: readonly string[];
  groupPrefix: string;
  describesTopics: readonly string[];
  describesGroupPrefixes: readonly string[];
}

export function observerAclsFor(access: ObserverKafkaAccess): AclEntry[] {
  const { principal } = access;
  const acls: AclEntry[] = [];
  for (const topic of access.reads) acls.push(allow(principal, 'TOPIC', topic, 'READ'));
  for (const topic of new Set([...access.reads, ...access.describesTopics])) acls.push(allow(principal, 'TOPIC', topic, 'DESCRIBE'));
  acls.push(allow(principal, 'GROUP', access.groupPrefix, 'DESCRIBE', true), allow(principal, 'GROUP', access.groupPrefix, 'READ', true));
  for (const prefix of access.describesGroupPrefixes) acls.push(allow(principal, 'GROUP', prefix, 'DESCRIBE', true));
  return acls;
}

const keyOf = (a: AclEntry) => [a.principal, a.host, a.resourceType, a.resourceName, a.resourcePatternType, a.operation, a.permissionType].join('\u0000');

/**
 * Makes the broker's ACLs of the given principals exactly `wanted`: missing ones are created, and
 * ones no longer wanted (a topic a service stopped consuming) are deleted. Other principals' ACLs are
 * left alone. Needs a client logged in as a super user. Returns what changed.
 */
export async function syncAcls(kafka: Kafka, wanted: readonly AclEntry[], principals: readonly string[]): Promise<{ created: number; deleted: number }> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const wantedKeys = new Set(wanted.map(keyOf));
    const existing: AclEntry[] = [];
    for (const principal of principals) {
      const found = await admin.describeAcls({
        resourceType: AclResourceTypes.ANY,
        resourcePatternType: ResourcePatternTypes.ANY,
        principal: `User:${principal}`,
        operation: AclOperationTypes.ANY,
        permissionType: AclPermissionTypes.ANY,
      });
      for (const resource of found.resources) {
        for (const acl of resource.acls) {
          existing.push({ ...acl, resourceType: resource.resourceType, resourceName: resource.resourceName, resourcePatternType: resource.resourcePatternType });
        }
      }
    }
    const existingKeys = new Set(existing.map(keyOf));
    const missing = wanted.filter((a) => !existingKeys.has(keyOf(a)));
    const stale = existing.filter((a) => !wantedKeys.has(keyOf(a)));
    if (missing.length > 0) await admin.createAcls({ acl: missing });
    if (stale.length > 0) await admin.deleteAcls({ filters: stale });
    return { created: missing.length, deleted: stale.length };
  } finally {
    await admin.disconnect();
  }
}
