// The fault suite's scenarios (issue 13's table): what each one breaks, for how long, and how it is put
// right. main.ts runs each one while the load runs; inject is called at a random moment of the window,
// undo `downtimeMs` after it.
import type { ChannelFaults, ChannelId, ChaosStack, LoadGenerator, ServiceName } from './types.ts';

export interface Scenario {
  name: string;
  /** Part of the --short profile (the CI one). */
  short: boolean;
  /** How long the fault stays on before undo. */
  downtimeMs: number;
  inject(stack: ChaosStack, load: LoadGenerator): Promise<void>;
  undo(stack: ChaosStack): Promise<void>;
}

const services: readonly ServiceName[] = ['billing', 'payment-orchestration', 'bank-adapter', 'notification'];
const channels: readonly ChannelId[] = ['bank-alpha', 'wallet-one', 'wallet-two'];
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const nothing = (): Promise<void> => Promise.resolve();

async function everyChannel(stack: ChaosStack, faults: ChannelFaults): Promise<void> {
  await Promise.all(channels.map((channel) => stack.channelFaults(channel, faults)));
}

function killService(name: ServiceName, short: boolean): Scenario {
  return {
    name: `kill ${name}`,
    short,
    downtimeMs: 3_000,
    inject: (stack) => stack.killService(name),
    undo: (stack) => stack.startService(name),
  };
}

export const scenarios: readonly Scenario[] = [
  ...services.map((name) => killService(name, name === 'payment-orchestration')),
  {
    name: 'kill all four services',
    short: true,
    downtimeMs: 3_000,
    inject: async (stack) => {
      await Promise.all(services.map((name) => stack.killService(name)));
    },
    undo: async (stack) => {
      await Promise.all(services.map((name) => stack.startService(name)));
    },
  },
  {
    name: 'kafka SIGKILL, start',
    short: true,
    downtimeMs: 5_000,
    inject: (stack) => stack.killKafka(),
    undo: (stack) => stack.startKafka(),
  },
  {
    name: 'postgres immediate stop, start',
    short: true,
    downtimeMs: 5_000,
    inject: (stack) => stack.crashPostgres(),
    undo: (stack) => stack.startPostgres(),
  },
  {
    name: 'redis FLUSHALL',
    short: false,
    downtimeMs: 0,
    inject: (stack) => stack.flushRedis(),
    undo: nothing,
  },
  {
    name: 'redis SIGKILL, start',
    short: false,
    downtimeMs: 5_000,
    inject: (stack) => stack.killRedis(),
    undo: (stack) => stack.startRedis(),
  },
  {
    // A third of the replies lost after the channel committed the debit: the ambiguous outcome the
    // status inquiries and the channels' dedupe by reference have to resolve without a second debit.
    name: 'bank+wallets drop replies after debit',
    short: true,
    downtimeMs: 15_000,
    inject: (stack) => everyChannel(stack, { dropReplyRate: 0.3 }),
    undo: (stack) => stack.clearFaults(),
  },
  {
    // Over the adapter's 1 s call timeout in a fault run (stack.ts): every call times out, though the
    // channel still does the work: the breaker opens.
    name: 'bank+wallets time out',
    short: false,
    downtimeMs: 10_000,
    inject: (stack) => everyChannel(stack, { latencyMs: 1_500 }),
    undo: (stack) => stack.clearFaults(),
  },
  {
    name: 'bank+wallets outage',
    short: false,
    downtimeMs: 10_000,
    inject: (stack) => everyChannel(stack, { outage: true }),
    undo: (stack) => stack.clearFaults(),
  },
  {
    // Slow submit_sm_resp, so a window of submits is in flight (stored by the SMSC, not yet answered)
    // when the sessions are closed: the ambiguous outcome for an SMS.
    name: 'smsc connection dropped mid-window',
    short: false,
    downtimeMs: 5_000,
    inject: async (stack) => {
      await stack.smscFaults({ responseDelayMs: 2_000 });
      await sleep(2_500);
      await stack.smscFaults({ dropConnection: true });
    },
    undo: (stack) => stack.clearFaults(),
  },
  {
    // Sockets open, nothing answered: longer than notification's keep-alive (enquire_link every 5 s,
    // 5 s to answer, in a fault run) so the link is found dead and re-made.
    name: 'smsc hung, then back',
    short: false,
    downtimeMs: 15_000,
    inject: (stack) => stack.smscFaults({ silent: true }),
    undo: (stack) => stack.clearFaults(),
  },
  {
    name: 'duplicate storm',
    short: true,
    downtimeMs: 0,
    inject: (_stack, load) => load.duplicateStorm(),
    undo: nothing,
  },
];

/**
 * After a scenario that failed half-way: every fault off and everything running again, whatever the
 * state. Each step is idempotent (the scripts' `up` leave a running server alone; startService waits
 * for a running service). Returns what could not be put right.
 */
export async function heal(stack: ChaosStack): Promise<string[]> {
  const problems: string[] = [];
  const attempt = async (what: string, step: () => Promise<void>): Promise<void> => {
    await step().catch((error: unknown) => {
      problems.push(`${what}: ${error instanceof Error ? error.message : String(error)}`);
    });
  };
  await Promise.all([attempt('postgres up', () => stack.startPostgres()), attempt('redis up', () => stack.startRedis()), attempt('kafka up', () => stack.startKafka())]);
  await attempt('faults off', () => stack.clearFaults());
  await Promise.all(services.map((name) => attempt(`${name} up`, () => stack.startService(name))));
  return problems;
}
