import { describeServiceBoot, uniqueName } from '@gateway/testkit';

describeServiceBoot('notification', new URL('../src/main.ts', import.meta.url), {
  BILLS_TOPIC: uniqueName('boot-bills'),
  PAYMENTS_TOPIC: uniqueName('boot-payments'),
  INTENTS_TOPIC: uniqueName('boot-intents'),
  CONSUMER_GROUP_ID: uniqueName('boot-notification'),
  // Nothing listens on port 1: the booted service must not bind to a developer's running SMSC simulator.
  SMSC_PORT: '1',
});
