import type { TopicName } from '@gateway/contracts';

/** The topics this service publishes to through its outbox; created with their DLQs at start. */
export const publishedTopics: readonly TopicName[] = ['payments.payments', 'payments.intents', 'payments.complaints', 'payments.reconciliations', 'channels.commands'];

/**
 * The topics this service consumes (its config's defaults). With publishedTopics and the contracts'
 * topic owners, the local Kafka's ACLs are derived from these (infra/local/kafka-acls.ts): the
 * service's principal may read only these topics and write only their dead-letter twins.
 */
export const consumedTopics: readonly TopicName[] = ['billing.bills', 'channels.results', 'payments.complaints'];

/** Every consumer group of this service starts with this (payments.bill-read-model, payments.channel-results, payments.channel-health); its principal may use no other. */
export const consumerGroupPrefix = 'payments.';
