// Boots a service's real main.ts as a child process, the way `npm start` and the Dockerfiles do, so
// a service test covers the composition root itself: configuration, migrations, topics, listen and
// SIGTERM. The same suite is shared by every service (describeServiceBoot).
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { testInfra } from './infra.ts';
import { createTestDatabase } from './test-database.ts';
import type { TestDatabase } from './test-database.ts';

export interface ServiceProcess {
  baseUrl: string;
  child: ChildProcess;
  output(): string;
  /** Sends SIGTERM and resolves with the exit code. */
  stop(): Promise<number | null>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

function exitOf(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

/** The environment a service needs against the test infrastructure; `overrides` win (undefined removes). */
export function serviceEnv(overrides: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const infra = testInfra();
  const env: NodeJS.ProcessEnv = {
    PATH: process.env['PATH'],
    KAFKA_BROKERS: infra.kafkaBrokers.join(','),
    REDIS_URL: infra.redisUrl,
    LOG_LEVEL: 'warn',
  };
  for (const [name, value] of Object.entries(overrides)) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  return env;
}

/** Runs `entry` to completion (for start-up failures) and returns its exit code and output. */
export async function runToExit(entry: URL, env: NodeJS.ProcessEnv, timeoutMs = 30_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [entry.pathname], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await exitOf(child);
  clearTimeout(timer);
  return { code, stdout, stderr };
}

/** Starts `entry` and resolves once its /readyz answers 200. */
export async function startServiceProcess(entry: URL, env: NodeJS.ProcessEnv, timeoutMs = 45_000): Promise<ServiceProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [entry.pathname], {
    env: { ...env, HTTP_HOST: '127.0.0.1', HTTP_PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`service exited with ${child.exitCode} before it was ready:\n${output}`);
    const ready = await fetch(`${baseUrl}/readyz`).then((r) => r.ok, () => false);
    if (ready) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`service not ready within ${timeoutMs} ms:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    baseUrl,
    child,
    output: () => output,
    stop: () => {
      child.kill('SIGTERM');
      return exitOf(child);
    },
  };
}

/**
 * The boot suite every service passes: it starts for real and answers its operational endpoints;
 * SIGTERM drains and exits 0; bad configuration and an unreachable dependency each stop it at start
 * with one line naming the problem, not a stack trace.
 */
export function describeServiceBoot(service: string, entry: URL): void {
  describe(`${service} boots`, () => {
    let db: TestDatabase;
    let proc: ServiceProcess | undefined;

    beforeAll(async () => {
      db = await createTestDatabase();
      proc = await startServiceProcess(entry, serviceEnv({ DATABASE_URL: db.url }));
    });

    afterAll(async () => {
      if (proc && proc.child.exitCode === null) proc.child.kill('SIGKILL');
      await db.drop();
    });

    it('answers /healthz, /readyz, /metrics and /docs', async () => {
      const base = proc!.baseUrl;
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      const ready = await fetch(`${base}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({
        status: 'ready',
        checks: { postgres: { status: 'up' }, redis: { status: 'up' }, kafka: { status: 'up' } },
      });
      const metrics = await (await fetch(`${base}/metrics`)).text();
      expect(metrics).toContain(`service="${service}"`);
      expect(metrics).toContain('outbox_pending');
      const docs = (await (await fetch(`${base}/docs/json`)).json()) as { info: { title: string } };
      expect(docs.info.title).toBe(service);
      expect((await fetch(`${base}/docs`, { redirect: 'follow' })).status).toBe(200);
    });

    it('applied the kit migrations to its own database', async () => {
      const tables = await db.pool.query<{ table_name: string }>(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1",
      );
      expect(tables.rows.map((r) => r.table_name)).toEqual(expect.arrayContaining(['outbox', 'inbox', 'idempotency_keys']));
    });

    it('exits 0 on SIGTERM', async () => {
      expect(await proc!.stop()).toBe(0);
    });

    it('refuses to start without DATABASE_URL, naming it in one line', async () => {
      const run = await runToExit(entry, serviceEnv({ DATABASE_URL: undefined, HTTP_PORT: 'eighty' }));
      expect(run.code).toBe(1);
      const lines = run.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain('DATABASE_URL is required');
      expect(lines[0]).toContain('HTTP_PORT must be');
    });

    it('refuses to start when Kafka cannot be reached, naming it in one line', async () => {
      const closedPort = await freePort();
      const run = await runToExit(entry, serviceEnv({ DATABASE_URL: db.url, KAFKA_BROKERS: `127.0.0.1:${closedPort}` }));
      expect(run.code).toBe(1);
      const lines = run.stderr.trim().split('\n');
      expect(lines).toEqual([`${service}: cannot reach Kafka at 127.0.0.1:${closedPort} (kafka did not answer within 5000 ms)`]);
      expect(run.stdout).not.toContain('    at ');
    });
  });
}
