import { anEvent, describePostgresRestart, uniqueName } from '@gateway/testkit';

const payments = uniqueName('restart-payments');

describePostgresRestart(
  'billing',
  new URL('../src/main.ts', import.meta.url),
  'billing',
  { PAYMENTS_TOPIC: payments, SETTLEMENT_GROUP_ID: uniqueName('restart-billing') },
  { topic: payments, event: () => anEvent('payment.completed') },
);
