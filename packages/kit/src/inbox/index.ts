export { handleOnce, recordInboxEvent, purgeInbox } from './handle-once.ts';
export type { HandleOnceResult } from './handle-once.ts';
