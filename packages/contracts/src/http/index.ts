export * from './common.ts';
export * from './payment-orchestration.ts';
export * from './billing.ts';
