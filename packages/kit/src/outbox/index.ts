export { enqueueEvent, eventHeaders, outboxChannel } from './enqueue.ts';
export { createOutboxRelay, purgePublishedOutbox } from './relay.ts';
export type { OutboxRelay, OutboxRelayOptions } from './relay.ts';
