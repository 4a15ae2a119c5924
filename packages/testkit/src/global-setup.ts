import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { hostPort, isListening, repoRoot, testInfra, waitFor } from './infra.ts';

interface Missing {
  name: string;
  detail: string;
}

async function postgresAnswers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function missingInfrastructure(): Promise<Missing[]> {
  const infra = testInfra();
  const missing: Missing[] = [];
  if (!(await postgresAnswers(infra.databaseAdminUrl))) missing.push({ name: 'Postgres', detail: new URL(infra.databaseAdminUrl).host });
  for (const broker of infra.kafkaBrokers) {
    const { host, port } = hostPort(broker, 9092);
    if (!(await isListening(host, port))) missing.push({ name: 'Kafka', detail: broker });
  }
  const redis = hostPort(infra.redisUrl, 6379);
  if (!(await isListening(redis.host, redis.port))) missing.push({ name: 'Redis', detail: `${redis.host}:${redis.port}` });
  return missing;
}

function dockerAnswers(): boolean {
  return spawnSync('docker', ['info'], { stdio: 'ignore', timeout: 5_000 }).status === 0;
}

/** Drops test databases left by runs that crashed before their afterAll (names carry their birth time). */
async function dropStaleTestDatabases(adminUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE 'test\\_%'`);
    const cutoff = Date.now() - 2 * 60 * 60 * 1000;
    for (const { datname } of rows) {
      const born = parseInt(datname.split('_')[1] ?? '', 36);
      if (Number.isFinite(born) && born < cutoff) {
        await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`).catch(() => undefined);
      }
    }
  } finally {
    await client.end();
  }
}

/**
 * Jest globalSetup: makes sure real Postgres, Kafka and Redis answer before any test file runs.
 * The project's machines have no Docker engine, so the infrastructure is the project's own local
 * processes, started here by infra/local/infra-up.sh when they are not already up. (Where Docker
 * answers, the same scripts still work; testcontainers is not a dependency of this repository.)
 */
// eslint-disable-next-line no-restricted-syntax -- jest requires globalSetup to be the module's default export.
export default async function globalSetup(): Promise<void> {
  let missing = await missingInfrastructure();
  if (missing.length > 0) {
    const script = join(repoRoot, 'infra/local/infra-up.sh');
    const what = missing.map((m) => `${m.name} (${m.detail})`).join(', ');
    if (!existsSync(script)) throw new Error(`Test infrastructure not reachable: ${what}, and ${script} does not exist to start it.`);
    if (dockerAnswers()) process.stdout.write('testkit: a Docker engine answers, but tests use the local infrastructure scripts.\n');
    process.stdout.write(`\ntestkit: ${what} not reachable; running infra/local/infra-up.sh\n`);
    const run = spawnSync('bash', [script], { cwd: repoRoot, stdio: 'inherit', env: process.env });
    if (run.status !== 0) throw new Error(`infra/local/infra-up.sh failed (exit ${run.status ?? run.signal}); test infrastructure not reachable: ${what}`);
    // infra-up.sh waits for readiness itself; this only covers a port that answers a moment later.
    await waitFor(async () => (missing = await missingInfrastructure()).length === 0, { timeoutMs: 20_000, intervalMs: 500, message: 'test infrastructure' }).catch(
      () => {
        throw new Error(`Test infrastructure still not reachable after infra-up.sh: ${missing.map((m) => `${m.name} (${m.detail})`).join(', ')}`);
      },
    );
  }
  await dropStaleTestDatabases(testInfra().databaseAdminUrl);
}
