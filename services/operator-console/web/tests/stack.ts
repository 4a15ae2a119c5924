// The real stack the browser tests drive, as one plain Node process (Playwright's global setup starts
// it and reads its one `ready` line): the whole system as the fault suite runs it (chaos/stack.ts: its
// own Postgres, Redis and Kafka through infra/local's scripts in .data/browser-stack on free ports, both
// simulators, the four services each as its own Postgres role and Kafka principal), and the operator
// console serving the built SPA against it. So a payment made through the channel API shows up in the
// console. Everything is stopped and the data folder deleted on SIGTERM, and a folder an earlier run
// left behind (killed before its clean-up) is stopped and wiped before this one starts.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createStack, freePort } from '../../../../bench/intents-stack.ts';
import { startChaosStack, wipeChaosData } from '../../../../chaos/stack.ts';
import type { ChannelId, ChaosStack, DatabaseName } from '../../../../chaos/types.ts';

export type { ChannelId, DatabaseName };

export interface StackInfo {
  consoleUrl: string;
  billingUrl: string;
  orchestrationUrl: string;
  bankAdapterUrl: string;
  notificationUrl: string;
  /** The channel simulator's HTTP side per channel (POST /control, GET /transactions). */
  channelUrls: Record<ChannelId, string>;
  /** The SMSC simulator's HTTP side (GET /messages?to=, GET /parts, GET /stats, POST /control). */
  smscUrl: string;
  /** A superuser URL of each service database (billing, payments, bank_adapter, notification). */
  databaseUrls: Record<DatabaseName, string>;
  /** The stack's Kafka, with its admin (super user) SASL login. */
  kafka: { brokers: string[]; sasl: { mechanism: 'scram-sha-512'; username: string; password: string } };
  /** The stack's own Redis (sessions, lock-outs, the adapter's off switches). */
  redisUrl: string;
  /**
   * The channel ids, by the shipped id (bank-alpha → bank-alpha): the shipped ones as they are, because
   * the adapter's off switches live in this stack's own Redis, which no other run shares.
   */
  channels: Record<ChannelId, string>;
  /** username by role, and a viewer of its own for the lock-out test; every password is `password`. */
  users: Record<'viewer' | 'operator' | 'admin' | 'lockout', string>;
  password: string;
  /** One log file per process of the chaos stack (not the console's), for a failed test's report. */
  logDir: string;
}

const repo = (relative: string): URL => new URL(`../../../../${relative}`, import.meta.url);
const dataDir = new URL('../../../../.data/browser-stack', import.meta.url).pathname;
const log = (line: string): void => void process.stderr.write(`[browser stack] ${line}\n`);
const consoleProcesses = createStack();
let chaos: ChaosStack | undefined;

async function hashOf(password: string): Promise<string> {
  const { hashPassword } = (await import(repo('services/operator-console/src/auth/password-hash.ts').href)) as { hashPassword: (p: string) => Promise<string> };
  return hashPassword(password);
}

async function start(): Promise<StackInfo> {
  const started = Date.now();
  await wipeChaosData(dataDir, log);
  chaos = await startChaosStack({ dataDir, log });
  const { urls } = chaos;

  // The operators file holds this run's own users; the stack's Redis is its own, so their lock-out
  // counts start at zero.
  const workDir = path.join(dataDir, 'console');
  mkdirSync(workDir, { recursive: true });
  const password = 'password';
  const users = { viewer: 'viewer-pw', operator: 'operator-pw', admin: 'admin-pw', lockout: 'lockout-pw' };
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

  const consolePort = await freePort();
  const consoleUrl = `http://127.0.0.1:${consolePort}`;
  const consoleEnv: Record<string, string> = {
    PATH: process.env['PATH'] ?? '',
    LOG_LEVEL: 'warn',
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: String(consolePort),
    REDIS_URL: chaos.redisUrl,
    BILLING_URL: urls.billing,
    ORCHESTRATION_URL: urls.orchestration,
    BANK_ADAPTER_URL: urls.bankAdapter,
    NOTIFICATION_URL: urls.notification,
    OPERATORS_FILE: operatorsFile,
    // Low, so the lock-out test needs few tries.
    SIGNIN_MAX_FAILURES: '3',
    // Kafka as the services have it; its own principal (infra/local/kafka-acls.ts) goes beside it.
    KAFKA_BROKERS: chaos.kafka.brokers.join(','),
    KAFKA_SASL_USERNAME: 'operator-console',
    // local_service_password in infra/local/lib.sh: the stack's kafka.sh made the user with it.
    KAFKA_SASL_PASSWORD: 'operator-console-local',
  };
  await consoleProcesses.start({
    name: 'operator-console',
    entry: repo('services/operator-console/src/main.ts'),
    env: consoleEnv,
    readyUrl: `${consoleUrl}/readyz`,
    timeoutMs: 60_000,
  });
  log(`stack ready in ${Date.now() - started} ms`);

  const channelIds = Object.keys(urls.channels) as ChannelId[];
  const databases: DatabaseName[] = ['billing', 'payments', 'bank_adapter', 'notification'];
  return {
    consoleUrl,
    billingUrl: urls.billing,
    orchestrationUrl: urls.orchestration,
    bankAdapterUrl: urls.bankAdapter,
    notificationUrl: urls.notification,
    channelUrls: urls.channels,
    smscUrl: urls.smsc,
    databaseUrls: Object.fromEntries(databases.map((db) => [db, chaos!.databaseUrl(db)])) as Record<DatabaseName, string>,
    kafka: chaos.kafka,
    redisUrl: chaos.redisUrl,
    channels: Object.fromEntries(channelIds.map((id) => [id, id])) as Record<ChannelId, string>,
    users,
    password,
    logDir: chaos.logDir,
  };
}

let stopping = false;
async function stop(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    const problems = await consoleProcesses.cleanup(10_000);
    for (const problem of problems) log(`console cleanup: ${problem}`);
    // Deletes the data folder unless a server would not stop (then the next run's wipe deals with it), or
    // BROWSER_STACK_KEEP_DATA=1 asks to keep its logs for a look (the next run wipes it).
    await chaos?.stop({ keepData: process.env['BROWSER_STACK_KEEP_DATA'] === '1' }).catch((error: unknown) => log(`stop: ${error instanceof Error ? error.message : String(error)}`));
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
  log(`did not start: ${error instanceof Error ? error.message : String(error)}`);
  for (const proc of consoleProcesses.processes()) log(`--- ${proc.name}\n${proc.tail()}`);
  await stop(1);
}
