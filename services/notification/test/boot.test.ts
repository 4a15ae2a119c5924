import { describeServiceBoot } from '@gateway/testkit';

describeServiceBoot('notification', new URL('../src/main.ts', import.meta.url));
