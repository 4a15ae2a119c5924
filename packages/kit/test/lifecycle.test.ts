// Fastify plugins, handlers and opossum actions are async by contract even where a body has nothing to await.
/* eslint-disable @typescript-eslint/require-await */
import { describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ConfigError } from '../src/config/index.ts';
import { createShutdown, DependencyUnavailableError, describeStartupFailure, startupFailure } from '../src/lifecycle/index.ts';
import { createLogger } from '../src/logger/index.ts';

const kitSrc = pathToFileURL(path.join(path.dirname(fileURLToPath(import.meta.url)), '../src/')).href;
const silent = createLogger({ service: 'kit-lifecycle-test', level: 'silent' });

describe('createShutdown', () => {
  it('runs steps in reverse registration order, once, and carries on past a failing step', async () => {
    const order: string[] = [];
    const shutdown = createShutdown({ logger: silent, timeoutMs: 1_000 });
    shutdown.register('postgres pool', () => void order.push('postgres pool'));
    shutdown.register('kafka producer', async () => {
      order.push('kafka producer');
      throw new Error('already disconnected');
    });
    shutdown.register('outbox relay', async () => void order.push('outbox relay'));
    shutdown.register('http server', async () => void order.push('http server'));
    const [first, second] = await Promise.all([shutdown.run('SIGTERM'), shutdown.run('SIGINT')]);
    expect(order).toEqual(['http server', 'outbox relay', 'kafka producer', 'postgres pool']);
    expect(first).toEqual({ failed: ['kafka producer'] });
    expect(second).toBe(first);
  });

  it('gives up at the deadline and names the step it was stuck in', async () => {
    const shutdown = createShutdown({ logger: silent, timeoutMs: 100 });
    shutdown.register('postgres pool', () => undefined);
    shutdown.register('kafka consumer', () => new Promise(() => undefined));
    const result = await shutdown.run('SIGTERM');
    expect(result).toEqual({ failed: [], timedOutIn: 'kafka consumer' });
  });
});

describe('startupFailure', () => {
  function captureStartup(error: unknown): { code: number; output: string } {
    let output = '';
    let code = -1;
    const stderr = { write: (line: string) => (output += line) };
    const exit = (c: number): never => {
      code = c;
      throw new Error('exited');
    };
    expect(() => startupFailure(silent, error, { service: 'billing', exit, stderr })).toThrow('exited');
    return { code, output };
  }

  it('prints one line without a stack for a ConfigError, and exits 1', () => {
    const { code, output } = captureStartup(new ConfigError(['DATABASE_URL is required', 'HTTP_PORT must be an integer']));
    expect(code).toBe(1);
    expect(output).toBe('billing: invalid configuration: DATABASE_URL is required; HTTP_PORT must be an integer\n');
  });

  it('prints one line for an unreachable dependency or a busy port', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9092'), { code: 'ECONNREFUSED' });
    expect(captureStartup(new DependencyUnavailableError('Kafka', '127.0.0.1:9092', refused)).output).toBe(
      'billing: cannot reach Kafka at 127.0.0.1:9092 (connect ECONNREFUSED 127.0.0.1:9092)\n',
    );
    const busy = Object.assign(new Error('listen EADDRINUSE'), { code: 'EADDRINUSE', syscall: 'listen', address: '127.0.0.1', port: 3001 });
    expect(describeStartupFailure(busy)).toBe('cannot listen on 127.0.0.1:3001: the port is already in use');
    const raw = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED', address: '127.0.0.1', port: 6379 });
    expect(describeStartupFailure(raw)).toBe('cannot reach 127.0.0.1:6379 (ECONNREFUSED)');
  });

  it('logs a bug in full (it is not an expected failure)', () => {
    const chunks: string[] = [];
    const logger = createLogger({
      service: 'billing',
      destination: new Writable({
        write(chunk: Buffer, _e, cb) {
          chunks.push(chunk.toString());
          cb();
        },
      }),
    });
    let code = -1;
    expect(() =>
      startupFailure(logger, new TypeError('cannot read x of undefined'), {
        exit: (c) => {
          code = c;
          throw new Error('exited');
        },
        stderr: { write: () => undefined },
      }),
    ).toThrow('exited');
    expect(code).toBe(1);
    expect(chunks.join('')).toContain('"stack":"TypeError: cannot read x of undefined');
  });
});

// The real thing: a child process with a listening server receives SIGTERM.
async function runChild(script: string, afterReady: (child: ReturnType<typeof spawn>, ready: Record<string, unknown>) => Promise<void> = async () => undefined) {
  const dir = await mkdtemp(path.join(tmpdir(), 'kit-lifecycle-'));
  const file = path.join(dir, 'service.mjs');
  await writeFile(file, script.replaceAll('KIT/', kitSrc));
  const child = spawn(process.execPath, [file], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let onReady: (value: Record<string, unknown>) => void = () => undefined;
  const ready = new Promise<Record<string, unknown>>((resolve) => (onReady = resolve));
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    const line = stdout.split('\n').find((l) => l.startsWith('READY '));
    if (line) onReady(JSON.parse(line.slice(6)) as Record<string, unknown>);
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const outcome = await Promise.race([ready.then(async (r) => afterReady(child, r)), exited]);
  void outcome;
  const code = await exited;
  return { code, stdout, stderr };
}

describe('graceful shutdown of a real process', () => {
  it('on SIGTERM finishes the in-flight request, runs the steps in reverse order and exits 0', async () => {
    let slowResponse: Promise<Response> | undefined;
    const { code, stdout } = await runChild(
      `
      import { createHttpServer } from 'KIT/http/index.ts';
      import { createLogger } from 'KIT/logger/index.ts';
      import { createShutdown } from 'KIT/lifecycle/index.ts';
      const logger = createLogger({ service: 'child', level: 'info' });
      const shutdown = createShutdown({ logger, timeoutMs: 5000 });
      shutdown.install();
      shutdown.register('postgres pool', () => logger.info('STEP postgres pool'));
      shutdown.register('outbox relay', () => logger.info('STEP outbox relay'));
      const app = createHttpServer({ service: 'child', version: '0', logger, routes: [async (app) => {
        app.get('/slow', async () => { await new Promise((r) => setTimeout(r, 400)); return { done: true }; });
      }] });
      const address = await app.listen({ host: '127.0.0.1', port: 0 });
      shutdown.register('http server', async () => { await app.close(); logger.info('STEP http server closed'); });
      console.log('READY ' + JSON.stringify({ address }));
      `,
      async (child, ready) => {
        slowResponse = fetch(`${String(ready.address)}/slow`);
        await new Promise((r) => setTimeout(r, 100));
        child.kill('SIGTERM');
      },
    );
    expect(code).toBe(0);
    const response = await slowResponse!;
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ done: true });
    const steps = stdout.split('\n').filter((l) => l.includes('STEP ')).map((l) => (JSON.parse(l) as { msg: string }).msg);
    expect(steps).toEqual(['STEP http server closed', 'STEP outbox relay', 'STEP postgres pool']);
  });

  it('exits 1 when a step is still running at the deadline', async () => {
    const { code, stdout } = await runChild(
      `
      import { createLogger } from 'KIT/logger/index.ts';
      import { createShutdown } from 'KIT/lifecycle/index.ts';
      const logger = createLogger({ service: 'child' });
      const shutdown = createShutdown({ logger, timeoutMs: 200 });
      shutdown.install();
      shutdown.register('kafka consumer', () => new Promise(() => {}));
      setInterval(() => {}, 1000);
      console.log('READY {}');
      `,
      async (child) => void child.kill('SIGTERM'),
    );
    expect(code).toBe(1);
    expect(stdout).toContain('stuck in kafka consumer');
  });

  it('runService undoes what had started when start fails, then prints one line and exits 1', async () => {
    const { code, stdout, stderr } = await runChild(`
      import { createLogger } from 'KIT/logger/index.ts';
      import { DependencyUnavailableError, runService } from 'KIT/lifecycle/index.ts';
      const logger = createLogger({ service: 'billing' });
      await runService({ service: 'billing', logger, shutdownTimeoutMs: 2000, async start(shutdown) {
        shutdown.register('postgres pool', () => logger.info('STEP postgres pool closed'));
        const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9092'), { code: 'ECONNREFUSED' });
        throw new DependencyUnavailableError('Kafka', '127.0.0.1:9092', refused);
      } });
    `);
    expect(code).toBe(1);
    expect(stdout).toContain('STEP postgres pool closed');
    expect(stderr).toBe('billing: cannot reach Kafka at 127.0.0.1:9092 (connect ECONNREFUSED 127.0.0.1:9092)\n');
  });

  it('fails at start with one line on stderr for bad configuration, no stack trace', async () => {
    const { code, stderr } = await runChild(`
      import { commonConfigSchema, loadConfig } from 'KIT/config/index.ts';
      import { startupFailure } from 'KIT/lifecycle/index.ts';
      try {
        loadConfig(commonConfigSchema, { HTTP_PORT: '3001' });
      } catch (error) {
        startupFailure(undefined, error, { service: 'billing' });
      }
    `);
    expect(code).toBe(1);
    expect(stderr).toBe('billing: invalid configuration: DATABASE_URL is required; KAFKA_BROKERS is required; REDIS_URL is required\n');
  });
});
