import { describeServiceBoot } from '@gateway/testkit';

describeServiceBoot('billing', new URL('../src/main.ts', import.meta.url));
