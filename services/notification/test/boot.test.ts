import { describeServiceBoot, uniqueName } from '@gateway/testkit';

const payments = uniqueName('boot-payments');
const group = uniqueName('boot-notification');

describeServiceBoot(
  'notification',
  new URL('../src/main.ts', import.meta.url),
  {
    BILLS_TOPIC: uniqueName('boot-bills'),
    PAYMENTS_TOPIC: payments,
    INTENTS_TOPIC: uniqueName('boot-intents'),
    COMPLAINTS_TOPIC: uniqueName('boot-complaints'),
    CONSUMER_GROUP_ID: group,
    DEAD_LETTER_GROUP_ID: uniqueName('boot-notification-dead-letters'),
    // Nothing listens on port 1: the booted service must not bind to a developer's running SMSC simulator.
    SMSC_PORT: '1',
  },
  { topic: payments, group },
);
