import { describeServiceBoot } from '@gateway/testkit';

describeServiceBoot('bank-adapter', new URL('../src/main.ts', import.meta.url));
