// Profile (issue 12): where payment orchestration spends its CPU on the POST /v1/payments path under load.
//
//   node bench/profile-payments.ts [--rate 400] [--seconds 20] [--warmup-seconds 5] [--max-in-flight 500] [--top 20]
//        [--keep-profile] [--env NAME=VALUE ...]
//
// What it does, alone, against the Postgres, Redis and Kafka already running (infra/local/env.sh):
//   1. starts payment orchestration's real main.ts as its own process on a free port, with `--cpu-prof`
//      (NODE_OPTIONS), over a SCRATCH database this run creates and drops. Why not the running
//      `payments` database: the profile needs bills it can pay (inserted straight into the read model,
//      payable_bills, which only a private database may be written to by hand), and it must not
//      leave thousands of payments in the database the stack and bench/throughput.ts use;
//   2. keeps the run private everywhere else too: its own channel client (a clients file in a temp
//      folder: own key, so its nonces and rate-limit counter in the shared Redis are its own), its own
//      consumed topics and groups, and an outbox trigger in the scratch database that sends what the
//      service publishes to this run's own topics (payment.completed must not reach the stack's
//      billing, which would record an anomaly for every unknown bill). All of it is deleted at the end;
//   3. drives an OPEN-LOOP load of signed POST /v1/payments at --rate for --seconds (requests are
//      released on a schedule, latency is measured from the scheduled time, so a slow server cannot
//      hide its queue; above --max-in-flight a due payment is dropped and counted), after a warm-up
//      of --warmup-seconds at the same rate that counts nowhere;
//   4. stops the service with SIGTERM (it exits through its shutdown, so node writes the .cpuprofile)
//      and prints the achieved rate, API p50/p99/max, the CPU the service and Postgres used per
//      accepted payment (from /proc: the figure that holds however busy the shared machine is), and
//      the top --top functions by self time and by total time, plus self time per package, counting
//      only the samples taken during the load. V8 samples the JS thread's stack whether or not it is
//      on a CPU, so a write to Postgres's socket shows the time the kernel spent running the woken
//      backend too: on this path, that is the cost of a round trip.
//
// The bench client runs on the same machine and takes CPU from the service (signing costs some); its
// own CPU share is printed. --env passes settings to the service (e.g. --env DATABASE_POOL_SIZE=20).
// Bounded: loopback only, at most 100,000 payments and 600 s of load.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { topics as topicCatalog } from '@gateway/contracts';
import type { TopicName } from '@gateway/contracts';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { processTicks, ticksPerSecond } from './cpu-by-process.ts';
import { createStack, freePort, kafkaBrokers, kafkaSasl, redisUrl, sleep, integerOptions } from './intents-stack.ts';
import { send } from './signed-client.ts';
import type { Key } from './signed-client.ts';

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '400' },
    seconds: { type: 'string', default: '20' },
    'warmup-seconds': { type: 'string', default: '5' },
    'max-in-flight': { type: 'string', default: '500' },
    top: { type: 'string', default: '20' },
    'keep-profile': { type: 'boolean', default: false },
    env: { type: 'string', multiple: true, default: [] },
  },
});
const integer = integerOptions(values);
const rate = integer('rate', 1, 5_000);
const loadSeconds = integer('seconds', 1, 600);
const maxInFlight = integer('max-in-flight', 1, 10_000);
const top = integer('top', 1, 200);
const total = rate * loadSeconds;
const warmup = rate * integer('warmup-seconds', 0, 60);
if (total + warmup > 100_000) throw new Error('--rate × (--seconds + --warmup-seconds) must be at most 100,000 payments');
const extraEnv: Record<string, string> = {};
for (const pair of values.env) {
  const at = pair.indexOf('=');
  if (at < 1) throw new Error(`--env ${pair}: expected NAME=VALUE`);
  extraEnv[pair.slice(0, at)] = pair.slice(at + 1);
}

// kafkajs schedules negative timeouts, which Node 24 warns about (start.sh silences it for the services).
process.removeAllListeners('warning');
process.on('warning', (warning) => {
  if (warning.name !== 'TimeoutNegativeWarning') console.warn(`${warning.name}: ${warning.message}`);
});

const run = randomBytes(3).toString('hex');
const prefix = `bench-profile-${run}`;
const stack = createStack();
const scratch = mkdtempSync(path.join(tmpdir(), `${prefix}-`));
const profileDir = path.join(scratch, 'profile');
const key: Key = { keyId: `${prefix}-k1`, secret: randomBytes(32).toString('base64') };
const accountOf = (i: number) => `011${String(1_000_000 + i).padStart(7, '0')}`;
const billIdOf = (i: number) => `bill_${prefix}_${i}`;

// ---- figures
function pct(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}
const ms = (value: number) => (Number.isNaN(value) ? '-' : `${value.toFixed(1)} ms`);

// ---- CPU as the kernel counts it (Linux /proc; clock ticks). V8's profile samples the JS thread's
// stack whether or not it is on a CPU: time in a write to Postgres's socket includes the time the
// kernel gave the woken backend instead (2 cores). These say who used the machine meanwhile.
/** `database`: the backends serving it (their command line names it) are counted apart from the rest of Postgres. */
function cpuSnapshot(servicePid: number, database: string) {
  let postgres = 0;
  const backends = new Map<number, number>();
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() !== 'postgres') continue;
      const ticks = processTicks(Number(pid));
      postgres += ticks;
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(` ${database} `)) backends.set(Number(pid), ticks);
    } catch {
      // gone meanwhile
    }
  }
  const machine = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').split(/\s+/).slice(1).map(Number);
  const idle = (machine[3] ?? 0) + (machine[4] ?? 0);
  return { at: performance.now(), service: processTicks(servicePid), postgres, backends, machineBusy: machine.reduce((a, b) => a + b, 0) - idle };
}
function cpuLines(from: ReturnType<typeof cpuSnapshot>, to: ReturnType<typeof cpuSnapshot>, payments: number): string {
  const seconds = (to.at - from.at) / 1000;
  const share = (ticks: number) => `${((ticks / ticksPerSecond / seconds) * 100).toFixed(0)} %`;
  // Per payment, the figure that holds however busy the rest of the machine is.
  const each = (ticks: number) => `${((ticks / ticksPerSecond / Math.max(1, payments)) * 1000).toFixed(2)} ms`;
  let backends = 0;
  for (const [pid, ticks] of to.backends) backends += ticks - (from.backends.get(pid) ?? 0);
  return [
    `  CPU during the load (of one core): payment orchestration ${share(to.service - from.service)}, its database's Postgres backends ${share(backends)}, ` +
      `all of Postgres (other databases' too) ${share(to.postgres - from.postgres)}, whole machine ${share(to.machineBusy - from.machineBusy)} of ${availableParallelism() * 100} %`,
    `  CPU per accepted payment: payment orchestration ${each(to.service - from.service)}, its Postgres backends ${each(backends)}`,
  ].join('\n');
}

// ---- the .cpuprofile (V8's format: a call tree of nodes, and the node on top of the stack at each sample)
type CallFrame = { functionName: string; url: string; lineNumber: number; columnNumber: number };
type ProfileNode = { id: number; callFrame: CallFrame; children?: number[] };
type CpuProfile = { nodes: ProfileNode[]; startTime: number; endTime: number; samples: number[]; timeDeltas: number[] };

const repoRoot = new URL('../', import.meta.url).pathname;
function shortUrl(url: string): string {
  const file = url.replace(/^file:\/\//, '');
  const modules = file.lastIndexOf('/node_modules/');
  if (modules >= 0) return file.slice(modules + '/node_modules/'.length);
  return file.startsWith(repoRoot) ? file.slice(repoRoot.length) : file;
}
function functionOf(frame: CallFrame): string {
  const name = frame.functionName || '(anonymous)';
  return frame.url ? `${name} ${shortUrl(frame.url)}:${frame.lineNumber + 1}` : name;
}
function packageOf(frame: CallFrame): string {
  if (!frame.url) return frame.functionName.startsWith('(') ? frame.functionName : '(native)';
  const file = frame.url.replace(/^file:\/\//, '');
  if (file.startsWith('node:')) return 'node (built-in)';
  const modules = file.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const [scope, name] = file.slice(modules + '/node_modules/'.length).split('/');
    return scope?.startsWith('@') ? `${scope}/${name}` : (scope ?? file);
  }
  const own = /\/(packages|services)\/([^/]+)\//.exec(file);
  return own ? `${own[1]}/${own[2]}` : file;
}

/** Self and total time per function, in ms, over the samples taken in [fromUs, toUs] of the profile's clock. */
function summarize(profile: CpuProfile, fromUs: number, toUs: number) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const selfByNode = new Map<number, number>();
  let at = profile.startTime;
  let sampled = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    at += profile.timeDeltas[i] ?? 0;
    // The interval before each sample is charged to it, as Chrome DevTools does.
    if (at < fromUs || at > toUs) continue;
    const delta = (profile.timeDeltas[i] ?? 0) / 1000;
    const id = profile.samples[i] as number;
    selfByNode.set(id, (selfByNode.get(id) ?? 0) + delta);
    sampled += delta;
  }
  const self = new Map<string, number>();
  const totals = new Map<string, number>();
  const packages = new Map<string, number>();
  for (const [id, time] of selfByNode) {
    const frame = (byId.get(id) as ProfileNode).callFrame;
    self.set(functionOf(frame), (self.get(functionOf(frame)) ?? 0) + time);
    packages.set(packageOf(frame), (packages.get(packageOf(frame)) ?? 0) + time);
    // Total: each function on this sample's stack once (recursion must not count twice).
    const seen = new Set<string>();
    for (let n: number | undefined = id; n !== undefined; n = parent.get(n)) {
      const name = functionOf((byId.get(n) as ProfileNode).callFrame);
      if (seen.has(name)) continue;
      seen.add(name);
      totals.set(name, (totals.get(name) ?? 0) + time);
    }
  }
  const idle = [...self].filter(([name]) => name === '(idle)').reduce((sum, [, t]) => sum + t, 0);
  return { sampled, idle, self, totals, packages };
}

function table(title: string, entries: Map<string, number>, busy: number, count: number): string {
  const rows = [...entries]
    .filter(([name]) => name !== '(idle)' && name !== '(root)')
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, time]) => `  ${time.toFixed(0).padStart(7)} ms ${((time / busy) * 100).toFixed(1).padStart(5)} %  ${name}`);
  return [title, ...rows].join('\n');
}

// ---- the run
let cleaned: Promise<void> | undefined;
function cleanup(): Promise<void> {
  cleaned ??= (async () => {
    for (const problem of await stack.cleanup()) console.error(`cleanup: ${problem}`);
  })();
  return cleaned;
}
let stopped = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    stopped = true;
  });
}

/** Topics the service publishes to, in this run's own namespace; created before the load, deleted after. */
async function createPrivateTopics(names: TopicName[]): Promise<void> {
  const admin = new Kafka({ clientId: prefix, brokers: kafkaBrokers.split(','), logLevel: logLevel.NOTHING, ...(kafkaSasl ? { sasl: kafkaSasl } : {}) }).admin();
  await admin.connect();
  try {
    stack.kafkaNames({ topics: names.map((name) => `${prefix}.${name}`) });
    await admin.createTopics({ waitForLeaders: true, topics: names.map((name) => ({ topic: `${prefix}.${name}`, numPartitions: topicCatalog[name].partitions })) });
  } finally {
    await admin.disconnect();
  }
}

try {
  const databaseName = `bench_profile_${run}`;
  const databaseUrl = await stack.database(databaseName);
  const clientsFile = path.join(scratch, 'clients.json');
  writeFileSync(clientsFile, JSON.stringify([{ clientId: prefix, kind: 'channel', channelId: 'bank-alpha', keys: [key] }]));
  const groups = { bills: `payments.${prefix}.bill-read-model`, health: `payments.${prefix}.channel-health`, results: `payments.${prefix}.channel-results` };
  const consumed = { bills: `${prefix}.billing.bills`, results: `${prefix}.channels.results` };
  // The service makes each consumed topic's dead-letter twin (<topic>.dlq) too.
  stack.kafkaNames({ groups: Object.values(groups), topics: Object.values(consumed).flatMap((topic) => [topic, `${topic}.dlq`]) });
  // The published topics exist before the trigger below can route to them.
  await createPrivateTopics(['payments.payments', 'payments.intents', 'channels.commands']);

  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  console.log(`profile ${run}: starting payment orchestration with --cpu-prof on ${baseUrl} (scratch database bench_profile_${run})…`);
  const service = await stack.start({
    name: 'payment-orchestration',
    entry: new URL('../services/payment-orchestration/src/main.ts', import.meta.url),
    env: {
      PATH: process.env['PATH'] ?? '',
      NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${profileDir} --disable-warning=TimeoutNegativeWarning`,
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: String(port),
      DATABASE_URL: databaseUrl,
      REDIS_URL: redisUrl,
      KAFKA_BROKERS: kafkaBrokers,
      ...(kafkaSasl ? { KAFKA_SASL_USERNAME: kafkaSasl.username, KAFKA_SASL_PASSWORD: kafkaSasl.password } : {}),
      CLIENTS_FILE: clientsFile,
      RATE_LIMIT_PER_MINUTE: '1000000',
      BILLS_TOPIC: consumed.bills,
      CHANNEL_RESULTS_TOPIC: consumed.results,
      BILL_READ_MODEL_GROUP_ID: groups.bills,
      CHANNEL_HEALTH_GROUP_ID: groups.health,
      CHANNEL_RESULTS_GROUP_ID: groups.results,
      // As `npm start` runs it: info, one line per request.
      LOG_LEVEL: 'info',
      ...extraEnv,
    },
    readyUrl: `${baseUrl}/readyz`,
    timeoutMs: 90_000,
  });
  // Its log is not read here: drained so a full pipe never blocks the service (which would be profiled as waiting).
  service.child.stdout?.resume();

  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    // What the service publishes goes to this run's topics (see the header); the relay reads the topic from the row.
    await db.query(`
      CREATE FUNCTION bench_private_topic() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN NEW.topic := '${prefix}.' || NEW.topic; RETURN NEW; END $$;
      CREATE TRIGGER bench_private_topic BEFORE INSERT ON outbox FOR EACH ROW EXECUTE FUNCTION bench_private_topic();`);
    // One open bill of 1,500.00 SYP per payment, each on its own account, as bill.issued would have left it.
    for (let start = 0; start < total + warmup; start += 10_000) {
      const ids = Array.from({ length: Math.min(10_000, total + warmup - start) }, (_, k) => start + k);
      await db.query(
        `INSERT INTO payable_bills (bill_id, external_bill_id, biller_id, account_no, holder_name, holder_class, holder_msisdn, status,
           period_from, period_to, issue_date, due_date, amount, late_fee, paid_amount, currency, allow_partial, min_amount, max_amount,
           essential, revision)
         SELECT b, e, 'telecom', a, 'Bench subscriber', 'individual', '+963944123456', 'open',
           '2026-10-01', '2026-10-31', '2026-11-01', '2026-12-31', 150000, 0, 0, 'SYP', false, 150000, 150000, true, 1
         FROM unnest($1::text[], $2::text[], $3::text[]) AS t(b, e, a)`,
        [ids.map(billIdOf), ids.map((i) => `${prefix}-${i}`), ids.map(accountOf)],
      );
    }
    await db.query('ANALYZE payable_bills');
  } finally {
    await db.end();
  }

  // ---- the open-loop load
  type Sent = { scheduled: number; answered?: number; status?: string };
  let inFlight = 0;
  /** Payments first..first+count-1 at --rate, released on schedule; resolves when the last is sent (not answered). */
  async function openLoop(first: number, count: number) {
    const sent: Sent[] = [];
    const statuses = new Map<string, number>();
    let dropped = 0;
    let maxLate = 0;
    const interval = 1000 / rate;
    const started = performance.now();
    const fire = (i: number, scheduled: number) => {
      const payment: Sent = { scheduled };
      sent.push(payment);
      maxLate = Math.max(maxLate, performance.now() - scheduled);
      inFlight++;
      const body = { channelTxnId: `${prefix}-${i}`, billerId: 'telecom', accountNo: accountOf(i), billIds: [billIdOf(i)], amount: { amount: 150_000, currency: 'SYP' }, paidAt: new Date().toISOString() };
      send('POST', `${baseUrl}/v1/payments`, key, body, 30_000)
        .then(
          (res) => {
            const code = res.status === 201 ? '' : ` ${(res.json as { error?: { code?: string } } | null)?.error?.code ?? ''}`;
            payment.status = `${res.status}${code}`;
          },
          (error: unknown) => {
            payment.status = error instanceof Error && error.name === 'TimeoutError' ? 'timeout' : `error ${String(error)}`;
          },
        )
        .finally(() => {
          payment.answered = performance.now();
          statuses.set(payment.status ?? '?', (statuses.get(payment.status ?? '?') ?? 0) + 1);
          inFlight--;
        });
    };
    let k = 0;
    while (k < count && !stopped) {
      const now = performance.now();
      while (k < count && started + k * interval <= now) {
        if (inFlight >= maxInFlight) dropped++;
        else fire(first + k, started + k * interval);
        k++;
      }
      await sleep(Math.max(0, Math.min(5, started + k * interval - performance.now())));
    }
    return { sent, statuses, dropped, maxLate, started };
  }
  async function drain(): Promise<void> {
    const until = performance.now() + 30_000;
    while (inFlight > 0 && performance.now() < until) await sleep(20);
  }

  // A cold process is not what a running gateway is: its pool connects, its statements are prepared,
  // V8 compiles the hot path. The warm-up runs at the same rate and counts nowhere.
  if (warmup > 0) {
    console.log(`warming up: ${warmup} payments at ${rate}/s…`);
    await openLoop(total, warmup);
    await drain();
  }
  console.log(`sending ${total} payments at ${rate}/s for ${loadSeconds} s (open loop, at most ${maxInFlight} in flight)…`);
  const cpu = process.cpuUsage();
  const cpuBefore = cpuSnapshot(service.child.pid ?? 0, databaseName);
  const loadStartedWall = performance.now();
  const { sent, statuses, dropped, maxLate } = await openLoop(0, total);
  const sendSeconds = (performance.now() - loadStartedWall) / 1000;
  const used = process.cpuUsage(cpu);
  const cpuAfter = cpuSnapshot(service.child.pid ?? 0, databaseName);
  // Accepted during the send window, which the CPU figures cover.
  const acceptedInWindow = sent.filter((p) => p.status === '201').length;
  await drain();
  const loadEndedWall = performance.now();

  // ---- stop the service; node writes the profile as it exits
  const exited =
    service.child.exitCode !== null || service.child.signalCode !== null
      ? Promise.resolve(performance.now())
      : new Promise<number>((resolve) => service.child.once('exit', () => resolve(performance.now())));
  await cleanup();
  const exitedWall = await exited;

  const accepted = sent.filter((p) => p.status === '201');
  const latencies = sent.filter((p) => p.answered !== undefined).map((p) => (p.answered as number) - p.scheduled).sort((a, b) => a - b);
  console.log(
    [
      ``,
      `load: ${sent.length} sent at ${rate}/s over ${sendSeconds.toFixed(1)} s, ${dropped} dropped (≥ ${maxInFlight} in flight), ${accepted.length} accepted → ${(accepted.length / sendSeconds).toFixed(0)}/s`,
      `  answers ${JSON.stringify(Object.fromEntries(statuses))}`,
      `  API latency from the scheduled send: p50 ${ms(pct(latencies, 50))} / p99 ${ms(pct(latencies, 99))} / max ${ms(latencies.at(-1) ?? NaN)}`,
      `  (client: at most ${maxLate.toFixed(0)} ms behind schedule, ${(((used.user + used.system) / 1e6 / sendSeconds) * 100).toFixed(0)} % of one core)`,
      cpuLines(cpuBefore, cpuAfter, acceptedInWindow),
    ].join('\n'),
  );

  const file = readdirSync(profileDir).find((name) => name.endsWith('.cpuprofile'));
  if (file === undefined) throw new Error(`no .cpuprofile in ${profileDir}: did the service exit through its shutdown?`);
  const profile = JSON.parse(readFileSync(path.join(profileDir, file), 'utf8')) as CpuProfile;
  // The profile's clock is the child's; its last sample is (within a few ms) the moment it exited,
  // which this process saw too: that maps the load's window onto the profile.
  const fromUs = profile.endTime - (exitedWall - loadStartedWall) * 1000;
  const toUs = profile.endTime - (exitedWall - loadEndedWall) * 1000;
  const summary = summarize(profile, fromUs, toUs);
  const busy = summary.sampled - summary.idle;
  const window = (toUs - fromUs) / 1000;
  console.log(
    [
      ``,
      `cpu profile of payment orchestration during the load (${(window / 1000).toFixed(1)} s): busy ${busy.toFixed(0)} ms = ${((busy / window) * 100).toFixed(0)} % of one core, idle ${summary.idle.toFixed(0)} ms`,
      `  (percentages below are of the busy time)`,
      table(`top ${top} by self time:`, summary.self, busy, top),
      table(`top ${top} by total time (self + callees):`, summary.totals, busy, top),
      table(`self time by package:`, summary.packages, busy, 15),
      values['keep-profile'] ? `profile kept: ${path.join(profileDir, file)} (open it in Chrome DevTools › Performance)` : '',
    ].join('\n'),
  );
} finally {
  await cleanup();
  if (!values['keep-profile']) rmSync(scratch, { recursive: true, force: true });
}
