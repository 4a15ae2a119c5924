import type { TopicName } from '@gateway/contracts';

/**
 * The topics the overview follows (events/overview.consumer.ts). The console only reads: with these,
 * the local Kafka's ACLs give its principal READ on them and DESCRIBE on the rest
 * (infra/local/kafka-acls.ts), never WRITE.
 */
export const consumedTopics: readonly TopicName[] = ['payments.payments', 'billing.bills', 'payments.intents'];

/** Every consumer group of the console starts with this; its principal may use no other. */
export const consumerGroupPrefix = 'operator-console.';

/**
 * The services' consumer-group prefixes, whose lag the overview shows. The same as each service's
 * src/events/topics.ts (infra/local/kafka-acls.ts checks that they agree, so they cannot drift).
 */
export const serviceGroupPrefixes: Readonly<Record<string, string>> = {
  billing: 'billing.',
  'payment-orchestration': 'payments.',
  'bank-adapter': 'bank-adapter.',
  notification: 'notification.',
};
