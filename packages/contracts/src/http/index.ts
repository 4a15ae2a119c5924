export * from './common.ts';
export * from './payment-orchestration.ts';
export * from './billing.ts';
export * from './notification.ts';
export * from './adoption.ts';
export * from './operator-intents.ts';
export * from './bank-adapter.ts';
export * from './find-payment.ts';
