import { anEvent, describePostgresRestart, uniqueName } from '@gateway/testkit';

const bills = uniqueName('restart-bills');

describePostgresRestart(
  'notification',
  new URL('../src/main.ts', import.meta.url),
  'notification',
  {
    BILLS_TOPIC: bills,
    PAYMENTS_TOPIC: uniqueName('restart-payments'),
    INTENTS_TOPIC: uniqueName('restart-intents'),
    COMPLAINTS_TOPIC: uniqueName('restart-complaints'),
    CONSUMER_GROUP_ID: uniqueName('restart-notification'),
    // Nothing listens on port 1: the booted service must not bind to a developer's running SMSC simulator.
    SMSC_PORT: '1',
  },
  { topic: bills, event: () => anEvent('bill.issued') },
);
