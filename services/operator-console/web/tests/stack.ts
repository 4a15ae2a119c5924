// The real stack the browser tests drive, as one plain Node process (Playwright's global setup starts
// it and reads its one `ready` line): the channel simulator, the bank adapter with a fresh database
// and Kafka topics of its own, and the operator console serving the built SPA. Everything it creates
// is named for this run and undone on SIGTERM (bench/intents-stack.ts), so nothing leaks into the
// shared infrastructure: channel ids carry the run's suffix, because the adapter's off switches live
// in the shared Redis under the channel id, and the operators file holds this run's own usernames,
// because sign-in lock-out counts per username there too.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createStack, freePort, kafkaBrokers, kafkaSasl, redisUrl } from '../../../../bench/intents-stack.ts';

export interface StackInfo {
  consoleUrl: string;
  bankAdapterUrl: string;
  bankAdapterDatabaseUrl: string;
  /** The bank adapter's results topic (a topic that exists, for a planted outbox row to be published to). */
  bankAdapterResultsTopic: string;
  /** The run's channel ids, by the shipped id they copy (bank-alpha → bank-alpha-pw1a2b3c). */
  channels: Record<string, string>;
  /** username by role, and a viewer of its own for the lock-out test; every password is `password`. */
  users: Record<'viewer' | 'operator' | 'admin' | 'lockout', string>;
  password: string;
}

const repo = (relative: string): URL => new URL(`../../../../${relative}`, import.meta.url);
const suffix = randomBytes(3).toString('hex');
const runName = `pw${suffix}`;
const workDir = mkdtempSync(path.join(tmpdir(), 'console-browser-'));
const stack = createStack();

interface SimChannel { channelId: string; port: number }
interface AdapterChannel { channelId: string; baseUrl: string }

async function hashOf(password: string): Promise<string> {
  const { hashPassword } = (await import(repo('services/operator-console/src/auth/password-hash.ts').href)) as { hashPassword: (p: string) => Promise<string> };
  return hashPassword(password);
}

async function start(): Promise<StackInfo> {
  const simFile = JSON.parse(readFileSync(repo('simulators/channel-simulator/config/channels.json'), 'utf8')) as { channels: SimChannel[] };
  const adapterFile = JSON.parse(readFileSync(repo('services/bank-adapter/config/channels.json'), 'utf8')) as { channels: AdapterChannel[] };
  const ids: Record<string, string> = {};
  const ports: Record<string, number> = {};
  for (const c of simFile.channels) {
    ids[c.channelId] = `${c.channelId}-${runName}`;
    ports[c.channelId] = await freePort();
  }
  const simChannelsFile = path.join(workDir, 'simulator-channels.json');
  writeFileSync(simChannelsFile, JSON.stringify({ channels: simFile.channels.map((c) => ({ ...c, channelId: ids[c.channelId], port: ports[c.channelId] })) }));
  const adapterChannelsFile = path.join(workDir, 'adapter-channels.json');
  writeFileSync(
    adapterChannelsFile,
    JSON.stringify({ channels: adapterFile.channels.map((c) => ({ ...c, channelId: ids[c.channelId] ?? c.channelId, baseUrl: `http://127.0.0.1:${ports[c.channelId] ?? 1}` })) }),
  );

  const password = 'password';
  const users = { viewer: `viewer-${runName}`, operator: `operator-${runName}`, admin: `admin-${runName}`, lockout: `lockout-${runName}` };
  const hash = await hashOf(password);
  const operatorsFile = path.join(workDir, 'operators.json');
  writeFileSync(
    operatorsFile,
    JSON.stringify(
      Object.entries(users).map(([key, username]) => {
        const role = key === 'lockout' ? 'viewer' : key;
        return { username, displayName: `${key[0]!.toUpperCase()}${key.slice(1)} Person`, role, passwordHash: hash };
      }),
    ),
  );

  const topics = { commands: `${runName}.channels.commands`, results: `${runName}.channels.results` };
  const group = `${runName}.bank-adapter`;
  stack.kafkaNames({ groups: [group], topics: Object.values(topics) });
  const adapterDb = await stack.database(`${runName}_bank_adapter`);
  const [simReady, adapterPort, consolePort] = [ports['bank-alpha']!, await freePort(), await freePort()];
  const base = {
    PATH: process.env['PATH'] ?? '',
    REDIS_URL: redisUrl,
    LOG_LEVEL: 'warn',
    HTTP_HOST: '127.0.0.1',
  };

  await stack.start({
    name: 'channel-simulator',
    entry: repo('simulators/channel-simulator/src/main.ts'),
    env: { PATH: base.PATH, SIMULATOR_HOST: '127.0.0.1', CHANNELS_FILE: simChannelsFile, LOG_LEVEL: 'warn' },
    readyUrl: `http://127.0.0.1:${simReady}/readyz`,
    timeoutMs: 30_000,
  });
  const bankAdapterUrl = `http://127.0.0.1:${adapterPort}`;
  await stack.start({
    name: 'bank-adapter',
    entry: repo('services/bank-adapter/src/main.ts'),
    env: {
      ...base,
      HTTP_PORT: String(adapterPort),
      DATABASE_URL: adapterDb,
      KAFKA_BROKERS: kafkaBrokers,
      ...(kafkaSasl ? { KAFKA_SASL_USERNAME: kafkaSasl.username, KAFKA_SASL_PASSWORD: kafkaSasl.password } : {}),
      CHANNELS_FILE: adapterChannelsFile,
      COMMANDS_TOPIC: topics.commands,
      COMMANDS_GROUP_ID: group,
      RESULTS_TOPIC: topics.results,
      SETTLEMENT_FETCH_ENABLED: 'false',
    },
    readyUrl: `${bankAdapterUrl}/readyz`,
    timeoutMs: 60_000,
  });
  const consoleUrl = `http://127.0.0.1:${consolePort}`;
  await stack.start({
    name: 'operator-console',
    entry: repo('services/operator-console/src/main.ts'),
    env: {
      ...base,
      HTTP_PORT: String(consolePort),
      BANK_ADAPTER_URL: bankAdapterUrl,
      // Not started here: port 1 never answers, so the Outbox screen shows them unavailable (and never
      // reaches a service another run left on the default ports).
      BILLING_URL: 'http://127.0.0.1:1',
      ORCHESTRATION_URL: 'http://127.0.0.1:1',
      NOTIFICATION_URL: 'http://127.0.0.1:1',
      OPERATORS_FILE: operatorsFile,
      // Low, so the lock-out test needs few tries; the usernames are this run's own.
      SIGNIN_MAX_FAILURES: '3',
    },
    readyUrl: `${consoleUrl}/readyz`,
    timeoutMs: 30_000,
  });
  return { consoleUrl, bankAdapterUrl, bankAdapterDatabaseUrl: adapterDb, bankAdapterResultsTopic: topics.results, channels: ids, users, password };
}

let stopping = false;
async function stop(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    const problems = await stack.cleanup(10_000);
    for (const problem of problems) process.stderr.write(`stack cleanup: ${problem}\n`);
    rmSync(workDir, { recursive: true, force: true });
  }
  process.exit(code);
}
process.on('SIGTERM', () => void stop(0));
process.on('SIGINT', () => void stop(0));
// The parent (Playwright) gone without a signal: undo everything all the same.
process.stdin.on('end', () => void stop(0));
process.stdin.resume();

try {
  const info = await start();
  process.stdout.write(`ready ${JSON.stringify(info)}\n`);
} catch (error) {
  process.stderr.write(`the browser tests' stack did not start: ${error instanceof Error ? error.message : String(error)}\n`);
  for (const proc of stack.processes()) process.stderr.write(`--- ${proc.name}\n${proc.tail()}\n`);
  await stop(1);
}
