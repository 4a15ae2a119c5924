import { describeServiceBoot, uniqueName } from '@gateway/testkit';

describeServiceBoot('payment-orchestration', new URL('../src/main.ts', import.meta.url), {
  BILLS_TOPIC: uniqueName('boot-bills'),
  BILL_READ_MODEL_GROUP_ID: uniqueName('boot-read-model'),
  CHANNEL_RESULTS_TOPIC: uniqueName('boot-results'),
  CHANNEL_HEALTH_GROUP_ID: uniqueName('boot-health'),
  CHANNEL_RESULTS_GROUP_ID: uniqueName('boot-channel-results'),
});
