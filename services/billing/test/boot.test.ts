import { describeServiceBoot, uniqueName } from '@gateway/testkit';

const payments = uniqueName('boot-payments');
const settlementGroup = uniqueName('boot-billing');

describeServiceBoot(
  'billing',
  new URL('../src/main.ts', import.meta.url),
  { PAYMENTS_TOPIC: payments, SETTLEMENT_GROUP_ID: settlementGroup, DEAD_LETTER_GROUP_ID: uniqueName('boot-billing-dead-letters') },
  { topic: payments, group: settlementGroup },
);
