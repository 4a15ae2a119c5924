export { createDeadLetterLedger, DEAD_LETTER_REPLAY_ACTION } from './dead-letter-ledger.ts';
export type { DeadLetterLedger, DeadLetterLedgerOptions, ReplayOutcome } from './dead-letter-ledger.ts';
export { deadLetterPageSchema, deadLetterRoutes, deadLetterSchema, defaultDeadLetterPageSize } from './dead-letter-routes.ts';
export type { DeadLetterView } from './dead-letter-routes.ts';
export type { DeadLetterRow, DeadLetterState } from './dead-letter-store.ts';
