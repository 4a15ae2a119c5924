import { describeServiceBoot, uniqueName } from '@gateway/testkit';

describeServiceBoot('billing', new URL('../src/main.ts', import.meta.url), {
  PAYMENTS_TOPIC: uniqueName('boot-payments'),
  SETTLEMENT_GROUP_ID: uniqueName('boot-billing'),
});
