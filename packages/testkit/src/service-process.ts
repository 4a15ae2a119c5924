// Boots a service's real main.ts as a child process, the way `npm start` and the Docker image do, so
// a service test covers the composition root itself: configuration, migrations, topics, listen and
// SIGTERM. Free of jest, so plain node scripts (benches) use it too: `@gateway/testkit/processes`.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { createServer } from 'node:net';
import { testInfra } from './infra.ts';

export interface ServiceProcess {
  baseUrl: string;
  child: ChildProcess;
  output(): string;
  /** Sends SIGTERM and resolves with the exit code. */
  stop(): Promise<number | null>;
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

// Ports handed out by this process: two stack parts asking in turn must not get the same one.
const handedOut = new Set<number>();

/**
 * A port free now, for a child to listen on later. Drawn below the kernel's ephemeral range (Linux:
 * 32768–60999), not with listen(0), which draws from it: between this answer and the child's bind
 * (seconds, for Kafka) an outgoing connection may take the port as its source port, and the child
 * fails with EADDRINUSE (a browser stack once lost its SMSC simulator so).
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const port = 20_000 + randomInt(12_000);
    if (handedOut.has(port) || !(await canListen(port))) continue;
    handedOut.add(port);
    return port;
  }
  throw new Error('no free port between 20000 and 31999');
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
    // A service under test runs as the test infrastructure's Kafka user: its tests use topics and
    // groups of their own, which no service principal's ACLs cover. kafka-least-privilege.test.ts
    // covers the services' own principals.
    KAFKA_SASL_USERNAME: infra.kafkaSasl?.username,
    KAFKA_SASL_PASSWORD: infra.kafkaSasl?.password,
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
/** `onOutput` sees the output as it comes, before the service is ready (a test waiting for a log line). */
export async function startServiceProcess(entry: URL, env: NodeJS.ProcessEnv, timeoutMs = 45_000, onOutput?: (soFar: string) => void): Promise<ServiceProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [entry.pathname], {
    env: { ...env, HTTP_HOST: '127.0.0.1', HTTP_PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const take = (chunk: Buffer) => {
    output += chunk.toString();
    onOutput?.(output);
  };
  child.stdout?.on('data', take);
  child.stderr?.on('data', take);
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
