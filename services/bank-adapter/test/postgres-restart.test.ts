import { anEvent, describePostgresRestart, uniqueName } from '@gateway/testkit';

const commands = uniqueName('restart-commands');

describePostgresRestart(
  'bank-adapter',
  new URL('../src/main.ts', import.meta.url),
  'bank_adapter',
  { COMMANDS_TOPIC: commands, COMMANDS_GROUP_ID: uniqueName('restart-bank-adapter'), RESULTS_TOPIC: uniqueName('restart-results') },
  { topic: commands, event: () => anEvent('channel.debit-requested') },
);
