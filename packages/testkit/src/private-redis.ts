import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from './infra.ts';
import { freePort } from './service-process.ts';

const run = promisify(execFile);

export interface PrivateRedis {
  url: string;
  /** Starts (or restarts) the server; resolves when it answers PING. */
  up(): Promise<void>;
  /** Stops it: every client's connection drops, as an outage looks to them. */
  down(): Promise<void>;
  /** Stops it and deletes its folder. */
  destroy(): Promise<void>;
}

/**
 * A throw-away redis-server on a free port, started by the project's infra/local/redis.sh with its own
 * folder (INFRA_DATA_DIR, REDIS_PORT). For tests that take Redis away: the shared one carries the
 * nonces and rate counters of every test file running beside them.
 */
export async function startPrivateRedis(): Promise<PrivateRedis> {
  const script = join(repoRoot, 'infra/local/redis.sh');
  const dataDir = mkdtempSync(join(tmpdir(), 'gateway-redis-'));
  const port = await freePort();
  const env = { ...process.env, INFRA_DATA_DIR: dataDir, REDIS_PORT: String(port) };
  const redisSh = async (action: 'up' | 'down') => {
    try {
      await run('bash', [script, action], { cwd: repoRoot, env, timeout: 60_000 });
    } catch (err) {
      const e = err as { stderr?: string; message: string };
      throw new Error(`redis.sh ${action} (private Redis on ${port}) failed: ${e.stderr || e.message}`);
    }
  };
  const server: PrivateRedis = {
    url: `redis://127.0.0.1:${port}`,
    up: () => redisSh('up'),
    down: () => redisSh('down'),
    async destroy() {
      await redisSh('down').catch(() => undefined);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  try {
    await server.up();
  } catch (err) {
    await server.destroy();
    throw err;
  }
  return server;
}
