// The fault suite's own stack (issue 13): its own Postgres, Redis and Kafka, made by the project's
// infra/local scripts in a data folder of its own on free ports, and the simulators and the four services
// as children of this process, each on a free port with an environment built here (nothing inherited,
// so no DATABASE_URL of the caller's leaks in). It never touches the shared servers of `npm start` and
// the tests, so it may SIGKILL, crash and flush its own freely.
//
// Services run as `npm start` runs them (infra/local/start.sh): each with its own Postgres role and Kafka
// principal (local_service_password), so the suite tests the ACLs and grants of the real setup too.
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '@gateway/testkit/processes';
import type { ChannelFaults, ChannelId, ChaosStack, DatabaseName, ProcessFacts, ServiceName, SmscFaults } from './types.ts';

const run = promisify(execFile);
const repoRoot = path.resolve(import.meta.dirname, '..');
const repo = (relative: string): string => path.join(repoRoot, relative);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const channelIds: readonly ChannelId[] = ['bank-alpha', 'wallet-one', 'wallet-two'];
const databaseOf: Record<ServiceName, DatabaseName> = {
  billing: 'billing',
  'payment-orchestration': 'payments',
  'bank-adapter': 'bank_adapter',
  notification: 'notification',
};
const serviceNames = Object.keys(databaseOf) as ServiceName[];

// The same rule as infra/local/lib.sh's local_service_password: the scripts create each service's
// Postgres role and Kafka user with it.
const localServicePassword = (name: string): string => `${name}-local`;
const kafkaAdmin = { username: process.env['KAFKA_ADMIN_USERNAME'] || 'admin', password: process.env['KAFKA_ADMIN_PASSWORD'] || 'admin-local' };

/** Orchestration's intent timing in a fault run (see serviceSettings): the invariant checker's grace. */
export const chaosIntentTiming = { ttlMs: 60_000, reconciliationGraceMs: 30_000 } as const;

// What a fault run changes from the shipped defaults, and why.
const serviceSettings: Record<ServiceName, Record<string, string>> = {
  billing: {},
  'payment-orchestration': {
    // The load sends tens of requests a second per client and the duplicate storm 5,000 at once from
    // one client: the default 600 a minute would turn the suite into a rate-limit test.
    RATE_LIMIT_PER_MINUTE: '1000000',
    // A stuck intent (its debit's reply dropped, its adapter killed) has to reach a terminal state or
    // reconciliation within a scenario's settle window, not after the production 15 + 10 minutes.
    INTENT_TTL: `${chaosIntentTiming.ttlMs}ms`,
    INTENT_RECONCILIATION_GRACE: `${chaosIntentTiming.reconciliationGraceMs}ms`,
    INTENT_SWEEP_INTERVAL: '2s',
    // Three of the adapter's CHANNEL_HEALTH_INTERVAL below (the ratio config.ts asks for), so a channel
    // back from an outage is offered again within a settle window.
    CHANNEL_HEALTH_STALE_AFTER: '15s',
  },
  'bank-adapter': {
    // Breaker state reported every 5 s rather than 30 s: see CHANNEL_HEALTH_STALE_AFTER above.
    CHANNEL_HEALTH_INTERVAL: '5s',
  },
  notification: {
    // Receipts and campaign texts go whatever the hour the suite runs at: quiet hours would hold the
    // campaign's messages and make "every SMS owed was sent" depend on the clock.
    QUIET_HOURS: 'off',
    // A hung SMSC (silent) is noticed by the keep-alive: 5 s instead of 30 s so it is noticed, and the
    // link re-made, within a scenario; reconnects capped at 5 s for the same reason.
    SMPP_ENQUIRE_LINK_MS: '5s',
    SMPP_RESPONSE_TIMEOUT_MS: '5s',
    SMPP_RECONNECT_MAX_MS: '5s',
  },
};

// The adapter's channel registry in a fault run (cf. bench/intents-dropped-replies.ts adapterOverrides):
// a call times out after 1 s instead of 5 s, so a dropped reply or a slow channel costs a second of a
// 30-second window, not five; status inquiries back off from 0.5 s to 8 s instead of from 1 s to 15 min,
// so an ambiguous debit is resolved within the settle window; the breaker re-tries an open channel after
// 5 s instead of 15 s. Its thresholds (50 % of at least 10 calls) stay as shipped: an outage or a run
// of timeouts has to open it, as it would in production.
const adapterOverrides = {
  breaker: { timeoutMs: 1_000, resetTimeoutMs: 5_000 },
  statusInquiry: { backoffMs: [500, 1_000, 2_000, 4_000, 8_000] },
};

type Entry = { name: string; file: string; env: Record<string, string>; readyUrls: string[] };

export async function startChaosStack(options: { dataDir: string; log?: (line: string) => void }): Promise<ChaosStack> {
  const log = options.log ?? ((line: string) => console.error(`[chaos stack] ${line}`));
  const dataDir = path.resolve(options.dataDir);
  const logDir = path.join(dataDir, 'logs');
  const runDir = path.join(dataDir, 'run');
  mkdirSync(logDir, { recursive: true });
  // Postgres runs as the `postgres` user when we are root: it has to reach its folder.
  chmodSync(dataDir, 0o755);

  // The Kafka jars install.sh resolved once, shared (read-only) with the main data folder.
  const sharedLibs = repo('.data/kafka/libs');
  if (!existsSync(sharedLibs)) throw new Error(`no Kafka jars in ${sharedLibs}: run infra/local/install.sh`);
  mkdirSync(path.join(dataDir, 'kafka'), { recursive: true });
  if (!existsSync(path.join(dataDir, 'kafka/libs'))) symlinkSync(sharedLibs, path.join(dataDir, 'kafka/libs'));

  const port = {
    postgres: await freePort(),
    redis: await freePort(),
    kafka: await freePort(),
    kafkaController: await freePort(),
    smpp: await freePort(),
    smscHttp: await freePort(),
    channels: Object.fromEntries(await Promise.all(channelIds.map(async (id) => [id, await freePort()] as const))) as Record<ChannelId, number>,
    services: Object.fromEntries(await Promise.all(serviceNames.map(async (name) => [name, await freePort()] as const))) as Record<ServiceName, number>,
  };
  const local = (p: number): string => `http://127.0.0.1:${p}`;

  const infraPorts = {
    PG_PORT: String(port.postgres),
    REDIS_PORT: String(port.redis),
    KAFKA_PORT: String(port.kafka),
    KAFKA_CONTROLLER_PORT: String(port.kafkaController),
  };
  // For wipeChaosData, should this run end without stopping its servers.
  writeFileSync(path.join(dataDir, 'ports.json'), JSON.stringify(infraPorts));
  const infraEnv: NodeJS.ProcessEnv = {
    ...process.env,
    INFRA_DATA_DIR: dataDir,
    ...infraPorts,
    KAFKA_ADMIN_USERNAME: kafkaAdmin.username,
    KAFKA_ADMIN_PASSWORD: kafkaAdmin.password,
  };
  async function infra(piece: 'postgres' | 'redis' | 'kafka', action: 'up' | 'down'): Promise<void> {
    const started = Date.now();
    try {
      await run('bash', [repo(`infra/local/${piece}.sh`), action], { cwd: repoRoot, env: infraEnv, timeout: 180_000 });
    } catch (err) {
      const e = err as { stderr?: string; message: string };
      throw new Error(`${piece}.sh ${action} (chaos stack in ${dataDir}) failed: ${e.stderr || e.message}`);
    }
    log(`${piece} ${action} in ${Date.now() - started} ms`);
  }

  // ---- the children: simulators and services ----
  const entries = new Map<string, Entry>();
  const children = new Map<string, ChildProcess>();
  // How each child's previous life ended: a kill scenario's proof that its SIGKILL was what ended it.
  const exits = new Map<string, { pid: number; code: number | null; signal: string | null }>();

  function spawnEntry(entry: Entry): ChildProcess {
    // Appended, so a restarted service's log follows its previous life's.
    const fd = openSync(path.join(logDir, `${entry.name}.log`), 'a');
    // detached: a terminal's Ctrl-C reaches main.ts alone, which then sends each child ONE SIGTERM (a
    // second signal would make a service skip its graceful drain), as start.sh does with setsid.
    const child = spawn(process.execPath, ['--disable-warning=TimeoutNegativeWarning', entry.file], {
      cwd: repoRoot,
      env: entry.env,
      stdio: ['ignore', fd, fd],
      detached: true,
    });
    closeSync(fd);
    children.set(entry.name, child);
    const pid = child.pid;
    if (pid !== undefined) child.once('exit', (code, signal) => exits.set(entry.name, { pid, code, signal }));
    return child;
  }

  async function waitReady(entry: Entry, child: ChildProcess, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (const url of entry.readyUrls) {
      for (;;) {
        if (child.exitCode !== null || child.signalCode !== null) {
          throw new Error(`${entry.name} exited (${child.exitCode ?? child.signalCode}) before it was ready; see ${path.join(logDir, `${entry.name}.log`)}`);
        }
        const ready = await fetch(url, { signal: AbortSignal.timeout(2_000) }).then(
          (r) => r.ok,
          () => false,
        );
        if (ready) break;
        if (Date.now() > deadline) throw new Error(`${entry.name} not ready at ${url} within ${timeoutMs} ms; see ${path.join(logDir, `${entry.name}.log`)}`);
        await sleep(250);
      }
    }
  }

  async function startEntry(name: string): Promise<void> {
    const entry = entries.get(name);
    if (!entry) throw new Error(`no process ${name} in the chaos stack`);
    const current = children.get(name);
    // Already running (a scenario's clean-up after a fault that never took): only wait for it.
    const running = current !== undefined && current.exitCode === null && current.signalCode === null;
    await waitReady(entry, running ? current : spawnEntry(entry));
  }

  function exited(child: ChildProcess): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => child.once('exit', () => resolve()));
  }

  async function stopChild(name: string, graceMs: number): Promise<void> {
    const child = children.get(name);
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => {
      log(`${name} did not exit within ${graceMs} ms of SIGTERM; killing it`);
      child.kill('SIGKILL');
    }, graceMs);
    await exited(child);
    clearTimeout(timer);
  }

  // Last resort, synchronous: whatever ends this process, no child outlives it.
  const killAllNow = (): void => {
    for (const child of children.values()) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  process.on('exit', killAllNow);

  // ---- pids of the servers the scripts start (daemons, not our children) ----
  function pidOf(file: string): number {
    const pid = Number(readFileSync(path.join(runDir, file), 'utf8').trim());
    if (!Number.isSafeInteger(pid) || pid <= 1) throw new Error(`no pid in ${path.join(runDir, file)}`);
    return pid;
  }
  function pidIn(file: string): number | undefined {
    try {
      const pid = Number(readFileSync(file, 'utf8').split('\n')[0]!.trim());
      return Number.isSafeInteger(pid) && pid > 1 ? pid : undefined;
    } catch {
      return undefined;
    }
  }
  /** Who listens on a TCP port of ours now: the pid `ss` names (we run as the servers' user or root). */
  async function listenerOn(tcpPort: number): Promise<number | undefined> {
    const { stdout } = await run('ss', ['-Hltnp', 'sport', '=', `:${tcpPort}`], { timeout: 10_000 });
    const match = /pid=(\d+)/.exec(stdout);
    return match ? Number(match[1]) : undefined;
  }
  function gone(pid: number): boolean {
    // A zombie still has a /proc entry: count it as gone (lib.sh's _pid_gone does the same).
    try {
      return /^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
    } catch {
      return true;
    }
  }
  async function sigkill(file: string, what: string): Promise<void> {
    const pid = pidOf(file);
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      return; // already gone
    }
    const deadline = Date.now() + 30_000;
    while (!gone(pid)) {
      if (Date.now() > deadline) throw new Error(`${what} (pid ${pid}) still there 30 s after SIGKILL`);
      await sleep(100);
    }
    log(`${what} killed (pid ${pid})`);
  }

  // ---- configuration files of this run ----
  const simFile = JSON.parse(readFileSync(repo('simulators/channel-simulator/config/channels.json'), 'utf8')) as { channels: { channelId: ChannelId; port: number }[] };
  const simChannelsFile = path.join(dataDir, 'simulator-channels.json');
  writeFileSync(simChannelsFile, JSON.stringify({ channels: simFile.channels.map((c) => ({ ...c, port: port.channels[c.channelId] })) }, null, 2));

  type AdapterChannel = { channelId: ChannelId; baseUrl: string; breaker: Record<string, number>; statusInquiry: Record<string, unknown> };
  const adapterFile = JSON.parse(readFileSync(repo('services/bank-adapter/config/channels.json'), 'utf8')) as { channels: AdapterChannel[] };
  const adapterChannelsFile = path.join(dataDir, 'adapter-channels.json');
  writeFileSync(
    adapterChannelsFile,
    JSON.stringify(
      {
        channels: adapterFile.channels.map((c) => ({
          ...c,
          baseUrl: local(port.channels[c.channelId]),
          breaker: { ...c.breaker, ...adapterOverrides.breaker },
          statusInquiry: { ...c.statusInquiry, ...adapterOverrides.statusInquiry },
        })),
      },
      null,
      2,
    ),
  );

  const baseEnv = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', LOG_LEVEL: 'info' };
  entries.set('channel-simulator', {
    name: 'channel-simulator',
    file: repo('simulators/channel-simulator/src/main.ts'),
    env: { ...baseEnv, SIMULATOR_HOST: '127.0.0.1', CHANNELS_FILE: simChannelsFile },
    readyUrls: channelIds.map((id) => `${local(port.channels[id])}/readyz`),
  });
  entries.set('smsc-simulator', {
    name: 'smsc-simulator',
    file: repo('simulators/smsc-simulator/src/main.ts'),
    env: { ...baseEnv, SIMULATOR_HOST: '127.0.0.1', SMPP_PORT: String(port.smpp), HTTP_PORT: String(port.smscHttp) },
    readyUrls: [`${local(port.smscHttp)}/readyz`],
  });
  for (const name of serviceNames) {
    const password = localServicePassword(name);
    entries.set(name, {
      name,
      file: repo(`services/${name}/src/main.ts`),
      env: {
        ...baseEnv,
        HTTP_HOST: '127.0.0.1',
        HTTP_PORT: String(port.services[name]),
        DATABASE_URL: `postgres://${name}:${password}@127.0.0.1:${port.postgres}/${databaseOf[name]}`,
        KAFKA_BROKERS: `127.0.0.1:${port.kafka}`,
        KAFKA_SASL_USERNAME: name,
        KAFKA_SASL_PASSWORD: password,
        REDIS_URL: `redis://127.0.0.1:${port.redis}`,
        ...(name === 'bank-adapter' ? { CHANNELS_FILE: adapterChannelsFile } : {}),
        ...(name === 'notification' ? { SMSC_HOST: '127.0.0.1', SMSC_PORT: String(port.smpp) } : {}),
        // Reconciliation reads the stored settlement files from this run's adapter, not :3003.
        ...(name === 'payment-orchestration' ? { BANK_ADAPTER_URL: local(port.services['bank-adapter']) } : {}),
        ...serviceSettings[name],
      },
      readyUrls: [`${local(port.services[name])}/readyz`],
    });
  }

  // ---- stop ----
  let stopping: Promise<void> | undefined;
  async function runStop(keepData: boolean): Promise<void> {
    // Services first, simulators after: a service draining its last SMS or debit still has its SMSC or bank.
    await Promise.all(serviceNames.map((name) => stopChild(name, 15_000)));
    await Promise.all(['channel-simulator', 'smsc-simulator'].map((name) => stopChild(name, 5_000)));
    const problems: string[] = [];
    await Promise.all(
      (['kafka', 'redis', 'postgres'] as const).map((piece) =>
        infra(piece, 'down').catch((error: unknown) => {
          problems.push(error instanceof Error ? error.message : String(error));
        }),
      ),
    );
    process.off('exit', killAllNow);
    for (const problem of problems) log(problem);
    if (!keepData && problems.length === 0) rmSync(dataDir, { recursive: true, force: true });
    else log(`data and logs kept in ${dataDir}`);
  }

  const stack: ChaosStack = {
    urls: {
      billing: local(port.services.billing),
      orchestration: local(port.services['payment-orchestration']),
      bankAdapter: local(port.services['bank-adapter']),
      notification: local(port.services.notification),
      channels: Object.fromEntries(channelIds.map((id) => [id, local(port.channels[id])])) as Record<ChannelId, string>,
      smsc: local(port.smscHttp),
    },
    smscSmpp: { host: '127.0.0.1', port: port.smpp },
    databaseUrl: (db) => `postgres://gateway:gateway@127.0.0.1:${port.postgres}/${db}`,
    kafka: { brokers: [`127.0.0.1:${port.kafka}`], sasl: { mechanism: 'scram-sha-512', ...kafkaAdmin } },
    redisUrl: `redis://127.0.0.1:${port.redis}`,
    logDir,

    async killService(name) {
      const child = children.get(name);
      if (!child || child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGKILL');
      await exited(child);
      log(`${name} killed`);
    },
    async startService(name) {
      const started = Date.now();
      await startEntry(name);
      log(`${name} ready in ${Date.now() - started} ms`);
    },
    killKafka: () => sigkill('kafka.pid', 'kafka'),
    startKafka: () => infra('kafka', 'up'),
    async crashPostgres() {
      const pgdata = path.join(dataDir, 'postgres');
      const pgCtl = `/usr/lib/postgresql/${readFileSync(path.join(pgdata, 'PG_VERSION'), 'utf8').trim()}/bin/pg_ctl`;
      const stop = [pgCtl, 'stop', '-D', pgdata, '-m', 'immediate', '-w'];
      // Same rule as the script's as_pg: Postgres refuses to run as root.
      if (process.getuid?.() === 0) await run('runuser', ['-u', 'postgres', '--', ...stop], { timeout: 60_000 });
      else await run(stop[0]!, stop.slice(1), { timeout: 60_000 });
      log('postgres stopped -m immediate');
    },
    startPostgres: () => infra('postgres', 'up'),
    async flushRedis() {
      await run('redis-cli', ['-h', '127.0.0.1', '-p', String(port.redis), 'FLUSHALL'], { timeout: 10_000 });
      log('redis flushed');
    },
    killRedis: () => sigkill('redis.pid', 'redis'),
    startRedis: () => infra('redis', 'up'),
    async channelFaults(channel: ChannelId, faults: ChannelFaults) {
      await control(`${stack.urls.channels[channel]}/control`, faults);
    },
    async smscFaults(faults: SmscFaults) {
      await control(`${stack.urls.smsc}/control`, faults);
    },
    async clearFaults() {
      await Promise.all([...channelIds.map((id) => control(`${stack.urls.channels[id]}/control/reset`)), control(`${stack.urls.smsc}/control/reset`)]);
    },
    async processOf(what): Promise<ProcessFacts> {
      if (what === 'kafka' || what === 'redis' || what === 'postgres') {
        const pid = what === 'postgres' ? pidIn(path.join(dataDir, 'postgres/postmaster.pid')) : pidIn(path.join(runDir, `${what}.pid`));
        const listenerPid = await listenerOn(port[what]);
        return { ...(pid === undefined ? {} : { pid }), alive: pid !== undefined && !gone(pid), ...(listenerPid === undefined ? {} : { listenerPid }) };
      }
      const child = children.get(what);
      const pid = child?.pid;
      const lastExit = exits.get(what);
      const listenerPid = await listenerOn(port.services[what]);
      return {
        ...(pid === undefined ? {} : { pid }),
        alive: child !== undefined && child.exitCode === null && child.signalCode === null && pid !== undefined && !gone(pid),
        ...(listenerPid === undefined ? {} : { listenerPid }),
        ...(lastExit === undefined ? {} : { lastExit }),
      };
    },
    log,
    stop(stopOptions) {
      stopping ??= runStop(stopOptions?.keepData ?? false);
      return stopping;
    },
  };

  // ---- start: infrastructure, then simulators, then services ----
  try {
    log(`starting in ${dataDir} (Postgres :${port.postgres}, Redis :${port.redis}, Kafka :${port.kafka})`);
    await Promise.all([infra('postgres', 'up'), infra('redis', 'up'), infra('kafka', 'up')]);
    // Simulators first, so the services find their bank and SMSC at once.
    await Promise.all(['channel-simulator', 'smsc-simulator'].map((name) => startEntry(name)));
    const started = Date.now();
    await Promise.all(serviceNames.map((name) => startEntry(name)));
    log(`services ready in ${Date.now() - started} ms`);
  } catch (error) {
    await stack.stop({ keepData: true });
    throw error;
  }
  return stack;
}

/**
 * Empties a data folder an earlier run left behind, after stopping whatever servers it still runs (a
 * run killed by its watchdog or a signal leaves its Postgres, Redis and Kafka behind): best effort.
 */
export async function wipeChaosData(dataDir: string, log: (line: string) => void = (line) => console.error(`[chaos stack] ${line}`)): Promise<void> {
  const dir = path.resolve(dataDir);
  if (!existsSync(dir)) return;
  // The scripts need the run's own ports: redis.sh down without REDIS_PORT would shut down the shared
  // Redis on the default port. Without the file nothing was started there (it is written first).
  const portsFile = path.join(dir, 'ports.json');
  if (!existsSync(portsFile)) {
    rmSync(dir, { recursive: true, force: true });
    return;
  }
  const env = { ...process.env, INFRA_DATA_DIR: dir, ...(JSON.parse(readFileSync(portsFile, 'utf8')) as Record<string, string>) };
  await Promise.all(
    (['kafka', 'redis', 'postgres'] as const).map((piece) =>
      run('bash', [repo(`infra/local/${piece}.sh`), 'down'], { cwd: repoRoot, env, timeout: 120_000 }).catch((error: unknown) => {
        log(`${piece}.sh down in ${dir}: ${error instanceof Error ? error.message : String(error)}`);
      }),
    ),
  );
  rmSync(dir, { recursive: true, force: true });
}

async function control(url: string, body?: unknown): Promise<void> {
  const response = await fetch(url, {
    method: 'POST',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  if (!response.ok) throw new Error(`POST ${url} answered ${response.status}: ${await response.text()}`);
}
