export { handleOnce, recordInboxEvent, recordInboxEvents } from './handle-once.ts';
export type { HandleOnceResult } from './handle-once.ts';
