import type { TopicName } from '@gateway/contracts';

/** The topics this service publishes to through its outbox; created with their DLQs at start. */
export const publishedTopics: readonly TopicName[] = ['billing.bills'];

