import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from './infra.ts';
import { freePort } from './service-process.ts';

const run = promisify(execFile);

export interface PrivatePostgres {
  port: number;
  /** URL of database `name` (one of the four the script provisions: billing, payments, bank_adapter, notification). */
  url(name: string): string;
  /** Starts (or restarts) the server; resolves when it accepts connections. */
  up(): Promise<void>;
  /**
   * `pg_ctl stop -m immediate`: every backend is killed at once, with no checkpoint, as a crash or a
   * failover looks to clients (their sockets drop mid-query); the next up() runs crash recovery.
   */
  crash(): Promise<void>;
  /** Stops it and deletes its data. */
  destroy(): Promise<void>;
}

/**
 * A second, throw-away Postgres server, made by the project's own infra/local/postgres.sh on a free
 * port with its own data folder (INFRA_DATA_DIR, PG_PORT): same binaries, same config, same roles.
 * For tests that crash and restart Postgres, which done to the shared server would break every test
 * file running beside them.
 */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const script = join(repoRoot, 'infra/local/postgres.sh');
  const dataDir = mkdtempSync(join(tmpdir(), 'gateway-pg-'));
  // The server runs as the `postgres` user when we are root: it has to reach its folder.
  chmodSync(dataDir, 0o755);
  const port = await freePort();
  const env = { ...process.env, INFRA_DATA_DIR: dataDir, PG_PORT: String(port) };
  const pgdata = join(dataDir, 'postgres');

  async function sh(file: string, args: string[], what: string): Promise<void> {
    try {
      await run(file, args, { cwd: repoRoot, env, timeout: 120_000 });
    } catch (err) {
      const e = err as { stderr?: string; message: string };
      throw new Error(`${what} (private Postgres on ${port}) failed: ${e.stderr || e.message}`);
    }
  }

  const server: PrivatePostgres = {
    port,
    url: (name) => `postgres://gateway:gateway@127.0.0.1:${port}/${name}`,
    up: () => sh('bash', [script, 'up'], 'postgres.sh up'),
    async crash() {
      const pgCtl = `/usr/lib/postgresql/${readFileSync(join(pgdata, 'PG_VERSION'), 'utf8').trim()}/bin/pg_ctl`;
      const stop = [pgCtl, 'stop', '-D', pgdata, '-m', 'immediate', '-w'];
      // Same rule as the script's as_pg: Postgres refuses to run as root.
      if (process.getuid?.() === 0) await sh('runuser', ['-u', 'postgres', '--', ...stop], 'pg_ctl stop -m immediate');
      else await sh(stop[0]!, stop.slice(1), 'pg_ctl stop -m immediate');
    },
    async destroy() {
      await sh('bash', [script, 'down'], 'postgres.sh down').catch(() => undefined);
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
