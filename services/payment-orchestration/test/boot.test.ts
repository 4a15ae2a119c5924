import { describeServiceBoot, uniqueName } from '@gateway/testkit';

const bills = uniqueName('boot-bills');
const readModelGroup = uniqueName('boot-read-model');

describeServiceBoot(
  'payment-orchestration',
  new URL('../src/main.ts', import.meta.url),
  {
    BILLS_TOPIC: bills,
    BILL_READ_MODEL_GROUP_ID: readModelGroup,
    CHANNEL_RESULTS_TOPIC: uniqueName('boot-results'),
    CHANNEL_HEALTH_GROUP_ID: uniqueName('boot-health'),
    CHANNEL_RESULTS_GROUP_ID: uniqueName('boot-channel-results'),
    DEAD_LETTER_GROUP_ID: uniqueName('boot-payments-dead-letters'),
  },
  // The bills topic: only the read model reads it (channels.results has two groups, each dead-lettering it).
  { topic: bills, group: readModelGroup },
);
