export { beginIdempotent, completeIdempotent, hashRequest, isValidIdempotencyKey, requestHasher } from './idempotency-store.ts';
export type { BeginIdempotentInput, BeginIdempotentResult, CompleteIdempotentInput, StoredResponse } from './idempotency-store.ts';
export { idempotent } from './idempotent.ts';
export type { IdempotentOptions, IdempotentResponse, RouteResult } from './idempotent.ts';
export { purgeExpiredIdempotencyKeys } from './purge.ts';
