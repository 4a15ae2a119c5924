// Topics are named by owner and aggregate (docs/design.md). Partition counts are part of the contract: the
// key → partition mapping, and so the per-key order, changes if a count changes on a live topic.
export const topics = {
  'billing.bills': {
    name: 'billing.bills',
    partitions: 6,
    owner: 'billing',
    description:
      'Lifecycle of e-bills (bill.*), keyed by account number so events of one account stay in order. Also read by the issuing ' +
      'authorities of government fees, each for its own billerId (bill.settled of its fee orders).',
  },
  'payments.payments': {
    name: 'payments.payments',
    partitions: 6,
    owner: 'payment-orchestration',
    description: 'Completed and reversed payments (payment.*), keyed by account number.',
  },
  'payments.intents': {
    name: 'payments.intents',
    partitions: 3,
    owner: 'payment-orchestration',
    description: 'Gateway-initiated payment intents (intent.*), keyed by intent id.',
  },
  'payments.complaints': {
    name: 'payments.complaints',
    partitions: 3,
    owner: 'payment-orchestration',
    description: 'Customer complaints and their turnaround clock (complaint.*), keyed by complaint id.',
  },
  'payments.reconciliations': {
    name: 'payments.reconciliations',
    partitions: 3,
    owner: 'payment-orchestration',
    description: 'Reconciliation of the channels\' settlement files (reconciliation.*), keyed by channel id.',
  },
  'channels.commands': {
    name: 'channels.commands',
    partitions: 3,
    owner: 'payment-orchestration',
    description: 'Commands to the bank adapter (debit, OTP, status inquiry), keyed by intent id.',
  },
  'channels.results': {
    name: 'channels.results',
    partitions: 3,
    owner: 'bank-adapter',
    description: 'Results from the bank adapter and channel health, keyed by intent id (channel id for health).',
  },
  'notifications.deliveries': {
    name: 'notifications.deliveries',
    partitions: 3,
    owner: 'notification',
    description: 'SMS sending and delivery receipts (notification.*), keyed by message id.',
  },
} as const;

export type TopicName = keyof typeof topics;
export const topicNames = Object.keys(topics) as TopicName[];

export type DlqTopicName<T extends TopicName = TopicName> = `${T}.dlq`;

// Every topic has one dead-letter topic next to it; messages there carry the failure reason.
export function dlqTopicOf<T extends TopicName>(topic: T): DlqTopicName<T> {
  return `${topic}.dlq`;
}

export function isTopicName(value: unknown): value is TopicName {
  return typeof value === 'string' && Object.hasOwn(topics, value);
}

export type TopicSpec = { readonly name: string; readonly partitions: number };

// Everything to create at start, dead-letter topics included (same partition count, so a replay from
// the DLQ keeps the key → partition order of the source).
export function allTopicSpecs(): TopicSpec[] {
  return topicNames.flatMap((name) => [
    { name, partitions: topics[name].partitions },
    { name: dlqTopicOf(name), partitions: topics[name].partitions },
  ]);
}
