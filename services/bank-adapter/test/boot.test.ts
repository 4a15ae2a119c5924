import { describeServiceBoot, uniqueName } from '@gateway/testkit';

const commands = uniqueName('boot-commands');
const group = uniqueName('boot-bank-adapter');

describeServiceBoot(
  'bank-adapter',
  new URL('../src/main.ts', import.meta.url),
  {
    COMMANDS_TOPIC: commands,
    COMMANDS_GROUP_ID: group,
    RESULTS_TOPIC: uniqueName('boot-results'),
    DEAD_LETTER_GROUP_ID: uniqueName('boot-bank-adapter-dead-letters'),
  },
  { topic: commands, group },
);
