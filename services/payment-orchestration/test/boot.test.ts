import { describeServiceBoot } from '@gateway/testkit';

describeServiceBoot('payment-orchestration', new URL('../src/main.ts', import.meta.url));
