export { enqueueEvent, enqueueEvents, eventHeaders, outboxChannel } from './enqueue.ts';
export { createOutboxRelay } from './relay.ts';
export type { OutboxRelay, OutboxRelayOptions } from './relay.ts';
export { kafkaRejection } from './poison-rows.ts';
export { listParkedOutbox, outboxBacklog, replayParkedOutbox } from './parked-rows.ts';
export type { ParkedOutboxRow } from './parked-rows.ts';
