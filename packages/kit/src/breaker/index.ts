export { BreakerOpenError, createBreakerFactory, isBreakerOpenError, isBreakerTimeout } from './breaker-factory.ts';
export type { Breaker, BreakerFactory, BreakerFactoryOptions, BreakerOptions, BreakerState, BreakerStateChange } from './breaker-factory.ts';
