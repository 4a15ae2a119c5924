// The kit every service is built from. Each folder is one concern with its own index.
export * from './config/index.ts';
export * from './logger/index.ts';
export * from './db/index.ts';
export * from './kafka/index.ts';
export * from './outbox/index.ts';
export * from './inbox/index.ts';
export * from './idempotency/index.ts';
export * from './retention/index.ts';
export * from './http/index.ts';
export * from './auth/index.ts';
export * from './breaker/index.ts';
export * from './lifecycle/index.ts';
export * from './service/index.ts';
export * from './audit/index.ts';
export * from './dead-letters/index.ts';
