export { handleOnce, recordInboxEvent } from './handle-once.ts';
export type { HandleOnceResult } from './handle-once.ts';
