export { enqueueEvent, enqueueEvents, eventHeaders, outboxChannel } from './enqueue.ts';
export { createOutboxRelay, kafkaRejection, listParkedOutbox, replayParkedOutbox } from './relay.ts';
export type { OutboxRelay, OutboxRelayOptions, ParkedOutboxRow } from './relay.ts';
