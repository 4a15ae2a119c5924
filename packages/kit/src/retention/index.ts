export { createRetentionTask, deleteInBatches, purgeProcessedInbox, purgePublishedOutbox } from './retention.ts';
export type { RetentionJob, RetentionTaskOptions } from './retention.ts';
