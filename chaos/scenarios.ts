// The fault suite's scenarios (issue 13's table): what each one breaks, for how long, and how it is put
// right. main.ts runs each one while the load runs; inject is called at a random moment of the window,
// undo `downtimeMs` after it.
//
// A pass means something only if the fault hit the system under load, so every scenario proves it
// took: inject reads a "before" (the pid serving, the simulators' fault counters, Redis' key count),
// undo reads the "after", and either throws `fault did not take: <why>` (main.ts makes a thrown error
// the scenario's violation) or writes one `evidence:` line to the stack's log.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import type { ChannelFaults, ChannelId, ChaosStack, LoadGenerator, ProcessFacts, ServiceName } from './types.ts';

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
const run = promisify(execFile);

const notTaken = (why: string): Error => new Error(`fault did not take: ${why}`);
function evidence(stack: ChaosStack, line: string): void {
  (stack.log ?? ((l: string) => console.error(`[chaos] ${l}`)))(`evidence: ${line}`);
}

async function everyChannel(stack: ChaosStack, faults: ChannelFaults): Promise<void> {
  await Promise.all(channels.map((channel) => stack.channelFaults(channel, faults)));
}

// ---- processes: the pid killed was the one serving, it is gone, and a new one serves after the start ----

type Piece = ServiceName | 'kafka' | 'postgres' | 'redis';

async function facts(stack: ChaosStack, what: Piece): Promise<ProcessFacts> {
  if (!stack.processOf) throw notTaken('the stack cannot tell which process runs (no processOf)');
  return stack.processOf(what);
}

/** Linux: a pid with a /proc entry that is not a zombie. */
function running(pid: number): boolean {
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

/** The pid serving `what` before the fault: running, and the one listening on its port. */
async function servingPid(stack: ChaosStack, what: Piece): Promise<number> {
  const f = await facts(stack, what);
  if (f.pid === undefined || !f.alive) throw notTaken(`${what} was not running before the fault (pid ${f.pid ?? 'none'})`);
  if (f.listenerPid !== f.pid) throw notTaken(`${what}'s port was served by pid ${f.listenerPid ?? 'none'}, not by its process ${f.pid}`);
  return f.pid;
}

/** After the start: a different pid, running, listening on the port (startService waited for its /readyz). */
async function servedAgain(stack: ChaosStack, what: Piece, old: number): Promise<number> {
  const f = await facts(stack, what);
  if (f.pid === undefined || !f.alive) throw notTaken(`no ${what} process runs after the start (pid ${f.pid ?? 'none'})`);
  if (f.pid === old) throw notTaken(`${what} still runs as pid ${old}: it was never replaced`);
  if (f.listenerPid !== f.pid) throw notTaken(`${what}'s port is served by pid ${f.listenerPid ?? 'none'} after the start, not by its new process ${f.pid}`);
  return f.pid;
}

/** SIGKILLs a service and proves its serving process ended by that signal. */
async function killServiceProven(stack: ChaosStack, name: ServiceName): Promise<number> {
  const pid = await servingPid(stack, name);
  await stack.killService(name);
  const exit = (await facts(stack, name)).lastExit;
  if (exit?.pid !== pid || exit.signal !== 'SIGKILL') {
    throw notTaken(`${name} pid ${pid} did not end by SIGKILL (${exit ? `pid ${exit.pid} ended by ${exit.signal ?? `exit code ${exit.code}`}` : 'no exit seen'})`);
  }
  return pid;
}

function killService(name: ServiceName, short: boolean): Scenario {
  let killed = 0;
  return {
    name: `kill ${name}`,
    short,
    downtimeMs: 3_000,
    inject: async (stack) => {
      killed = await killServiceProven(stack, name);
    },
    undo: async (stack) => {
      await stack.startService(name);
      const now = await servedAgain(stack, name, killed);
      evidence(stack, `${name} pid ${killed} ended by SIGKILL; pid ${now} serves its port and answered /readyz`);
    },
  };
}

/** Kills a server of the infrastructure and proves the pid serving it is gone. */
async function killServerProven(stack: ChaosStack, what: 'kafka' | 'postgres' | 'redis', kill: () => Promise<void>): Promise<number> {
  const pid = await servingPid(stack, what);
  await kill();
  if (running(pid)) throw notTaken(`${what} pid ${pid} still runs after the kill`);
  const f = await facts(stack, what);
  if (f.listenerPid !== undefined) throw notTaken(`${what}'s port is still served (pid ${f.listenerPid}) after the kill`);
  return pid;
}

function killServer(name: string, what: 'kafka' | 'postgres' | 'redis', short: boolean, kill: (stack: ChaosStack) => Promise<void>, start: (stack: ChaosStack) => Promise<void>): Scenario {
  let killed = 0;
  return {
    name,
    short,
    downtimeMs: 5_000,
    inject: async (stack) => {
      killed = await killServerProven(stack, what, () => kill(stack));
    },
    undo: async (stack) => {
      await start(stack);
      const now = await servedAgain(stack, what, killed);
      evidence(stack, `${what} pid ${killed} was serving, gone after the fault; pid ${now} serves its port after the start`);
    },
  };
}

// ---- Redis keys ----

async function redisKeys(stack: ChaosStack): Promise<number> {
  const url = new URL(stack.redisUrl);
  const { stdout } = await run('redis-cli', ['-h', url.hostname, '-p', url.port || '6379', 'DBSIZE'], { timeout: 10_000 });
  const keys = Number(stdout.trim());
  if (!Number.isSafeInteger(keys)) throw notTaken(`redis DBSIZE answered ${JSON.stringify(stdout.trim())}`);
  return keys;
}

// ---- channel simulators: their GET /stats fault counters ----

interface ChannelCounters {
  repliesDropped: number;
  callsDelayed: number;
  delayedCallsAbandoned: number;
  outageRefused: number;
}
type Counters = Record<ChannelId, ChannelCounters>;

async function channelCounters(stack: ChaosStack): Promise<Counters> {
  const read = async (id: ChannelId): Promise<[ChannelId, ChannelCounters]> => {
    const response = await fetch(`${stack.urls.channels[id]}/stats`, { signal: AbortSignal.timeout(10_000) });
    if (!response.ok) throw notTaken(`GET ${id} /stats answered ${response.status}`);
    return [id, (await response.json()) as ChannelCounters];
  };
  return Object.fromEntries(await Promise.all(channels.map(read))) as Counters;
}

/**
 * A channel fault for a while, proven by the counters it has to grow: each channel's growth is shown,
 * their sum must be above zero (which channels the load reaches in a window is the load's business).
 */
function channelFault(spec: { name: string; short: boolean; downtimeMs: number; faults: ChannelFaults; proof: (keyof ChannelCounters)[]; what: string }): Scenario {
  let before: Counters | undefined;
  return {
    name: spec.name,
    short: spec.short,
    downtimeMs: spec.downtimeMs,
    inject: async (stack) => {
      before = await channelCounters(stack);
      await everyChannel(stack, spec.faults);
    },
    undo: async (stack) => {
      await stack.clearFaults();
      const after = await channelCounters(stack);
      const grown = (counter: keyof ChannelCounters, id: ChannelId): number => after[id][counter] - (before?.[id][counter] ?? 0);
      const lines = spec.proof.map((counter) => `${counter} ${channels.map((id) => `${id} ${grown(counter, id)}`).join(', ')}`);
      const missing = spec.proof.filter((counter) => channels.every((id) => grown(counter, id) <= 0));
      if (missing.length > 0) throw notTaken(`${spec.what}: no call met it (${lines.join('; ')})`);
      evidence(stack, `${spec.what}: ${lines.join('; ')}`);
    },
  };
}

// ---- SMSC: its GET /stats ----

interface SmscCounters {
  binds: number;
  submitResponsesLost: number;
  requestsUnanswered: number;
}

async function smscCounters(stack: ChaosStack): Promise<SmscCounters> {
  const response = await fetch(`${stack.urls.smsc}/stats`, { signal: AbortSignal.timeout(10_000) });
  if (!response.ok) throw notTaken(`GET smsc /stats answered ${response.status}`);
  return (await response.json()) as SmscCounters;
}

/** dropConnection through the simulator's own answer, which says how many sessions it closed. */
async function dropSmscSessions(stack: ChaosStack): Promise<number> {
  const response = await fetch(`${stack.urls.smsc}/control`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ dropConnection: true }),
    signal: AbortSignal.timeout(10_000),
  });
  if (!response.ok) throw new Error(`POST smsc /control answered ${response.status}: ${await response.text()}`);
  const { droppedSessions } = (await response.json()) as { droppedSessions?: number };
  return droppedSessions ?? 0;
}

/** The "all four" kill: each proven as one kill is, the evidence in one line. */
function killAllServices(): Scenario {
  let killed = new Map<ServiceName, number>();
  return {
    name: 'kill all four services',
    short: true,
    downtimeMs: 3_000,
    inject: async (stack) => {
      killed = new Map(await Promise.all(services.map(async (name) => [name, await killServiceProven(stack, name)] as const)));
    },
    undo: async (stack) => {
      await Promise.all(services.map((name) => stack.startService(name)));
      const now = await Promise.all(services.map(async (name) => `${name} ${killed.get(name) ?? 0} -> ${await servedAgain(stack, name, killed.get(name) ?? 0)}`));
      evidence(stack, `all four ended by SIGKILL and served again by new pids: ${now.join(', ')}`);
    },
  };
}

function flushRedis(): Scenario {
  return {
    name: 'redis FLUSHALL',
    short: false,
    downtimeMs: 0,
    inject: async (stack) => {
      // Nonces and rate counters live there under load: an empty Redis before means nothing to flush.
      const before = await redisKeys(stack);
      if (before === 0) throw notTaken('redis held no key before the flush');
      await stack.flushRedis();
      const after = await redisKeys(stack);
      // What the load wrote again in the moment between the two commands, no more.
      if (after * 2 >= before) throw notTaken(`redis held ${before} keys before the flush and ${after} right after`);
      evidence(stack, `redis held ${before} keys before FLUSHALL, ${after} right after`);
    },
    undo: nothing,
  };
}

function smscDropMidWindow(): Scenario {
  let before: SmscCounters | undefined;
  let dropped = 0;
  return {
    // Slow submit_sm_resp, so a window of submits is in flight (stored by the SMSC, not yet answered)
    // when the sessions are closed: the ambiguous outcome for an SMS.
    name: 'smsc connection dropped mid-window',
    short: false,
    downtimeMs: 5_000,
    inject: async (stack) => {
      before = await smscCounters(stack);
      await stack.smscFaults({ responseDelayMs: 2_000 });
      await sleep(2_500);
      dropped = await dropSmscSessions(stack);
      if (dropped < 1) throw notTaken('the SMSC had no bound session to drop');
    },
    undo: async (stack) => {
      // The held answers came due 2 s after their submits, so by now (downtime 5 s) each is counted.
      await stack.clearFaults();
      const after = await smscCounters(stack);
      const lost = after.submitResponsesLost - (before?.submitResponsesLost ?? 0);
      if (lost < 1) throw notTaken(`${dropped} session(s) dropped, but no stored submit was waiting for its answer then`);
      evidence(stack, `${dropped} SMPP session(s) dropped with ${lost} stored submit(s) unanswered`);
    },
  };
}

function smscHung(): Scenario {
  let before: SmscCounters | undefined;
  return {
    // Sockets open, nothing answered: longer than notification's keep-alive (enquire_link every 5 s,
    // 5 s to answer, in a fault run) so the link is found dead and re-made.
    name: 'smsc hung, then back',
    short: false,
    downtimeMs: 15_000,
    inject: async (stack) => {
      before = await smscCounters(stack);
      await stack.smscFaults({ silent: true });
    },
    undo: async (stack) => {
      await stack.clearFaults();
      const unanswered = (await smscCounters(stack)).requestsUnanswered - (before?.requestsUnanswered ?? 0);
      if (unanswered < 1) throw notTaken('no request reached the SMSC while it was hung');
      // The ESME noticed: it re-binds (reconnects are capped at 5 s in a fault run), bounded wait.
      const deadline = Date.now() + 30_000;
      let binds = 0;
      for (;;) {
        binds = (await smscCounters(stack)).binds - (before?.binds ?? 0);
        if (binds > 0 || Date.now() > deadline) break;
        await sleep(500);
      }
      if (binds < 1) throw notTaken(`${unanswered} request(s) went unanswered, but the ESME did not bind again within 30 s`);
      evidence(stack, `${unanswered} SMPP request(s) unanswered while hung; the ESME bound again ${binds} time(s)`);
    },
  };
}

function duplicateStorm(): Scenario {
  return {
    name: 'duplicate storm',
    short: true,
    downtimeMs: 0,
    inject: async (stack, load) => {
      await load.duplicateStorm();
      const storm = load.operations().filter((op) => op.kind === 'storm_payment' && op.scenario === 'duplicate storm');
      const answered = storm.map((op) => op.outcome).filter((o) => o.kind === 'response');
      const replays = answered.filter((o) => o.replayed).length;
      const conflicts = answered.filter((o) => o.status === 409).length;
      if (replays < 1) throw notTaken(`${storm.length} storm requests, none answered as a replay (${conflicts} 409s)`);
      evidence(stack, `duplicate storm: ${storm.length} requests, ${replays} replayed, ${conflicts} answered 409`);
    },
    undo: nothing,
  };
}

export const scenarios: readonly Scenario[] = [
  ...services.map((name) => killService(name, name === 'payment-orchestration')),
  killAllServices(),
  killServer('kafka SIGKILL, start', 'kafka', true, (stack) => stack.killKafka(), (stack) => stack.startKafka()),
  killServer('postgres immediate stop, start', 'postgres', true, (stack) => stack.crashPostgres(), (stack) => stack.startPostgres()),
  flushRedis(),
  killServer('redis SIGKILL, start', 'redis', false, (stack) => stack.killRedis(), (stack) => stack.startRedis()),
  // A third of the replies lost after the channel committed the debit: the ambiguous outcome the
  // status inquiries and the channels' dedupe by reference have to resolve without a second debit.
  channelFault({
    name: 'bank+wallets drop replies after debit',
    short: true,
    downtimeMs: 15_000,
    faults: { dropReplyRate: 0.3 },
    proof: ['repliesDropped'],
    what: 'replies dropped after commit',
  }),
  // Over the adapter's 1 s call timeout in a fault run (stack.ts): every call times out, though the
  // channel still does the work: the breaker opens. Proven by calls delayed AND abandoned by their
  // client before the answer came (they did time out).
  channelFault({
    name: 'bank+wallets time out',
    short: false,
    downtimeMs: 10_000,
    faults: { latencyMs: 1_500 },
    proof: ['callsDelayed', 'delayedCallsAbandoned'],
    what: 'calls delayed 1.5 s',
  }),
  channelFault({
    name: 'bank+wallets outage',
    short: false,
    downtimeMs: 10_000,
    faults: { outage: true },
    proof: ['outageRefused'],
    what: 'calls refused by the outage',
  }),
  smscDropMidWindow(),
  smscHung(),
  duplicateStorm(),
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
