import { describeServiceBoot, uniqueName } from '@gateway/testkit';

describeServiceBoot('bank-adapter', new URL('../src/main.ts', import.meta.url), {
  COMMANDS_TOPIC: uniqueName('boot-commands'),
  COMMANDS_GROUP_ID: uniqueName('boot-bank-adapter'),
  RESULTS_TOPIC: uniqueName('boot-results'),
});
