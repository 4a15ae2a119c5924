import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import type { Pool } from 'pg';
import { createPool, databaseUrl, kitMigrationsDir, runMigrations } from '@gateway/kit';
import { testInfra } from './infra.ts';
import { testLogger } from './logger.ts';

export interface TestDatabase {
  name: string;
  url: string;
  pool: Pool;
  /** Closes the pool and drops the database (forcibly: a leaked connection must not keep it alive). */
  drop(): Promise<void>;
}

export interface CreateTestDatabaseOptions {
  /** A service's migrations folder; the kit's migrations are always applied first. */
  migrationsDir?: string;
  poolMax?: number;
}

function hashDir(hash: ReturnType<typeof createHash>, dir: string): void {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (name.startsWith('.') || !statSync(path).isFile()) continue;
    hash.update(`\0${name}\0`).update(readFileSync(path));
  }
}

/** Named after the migrations' content: editing any migration gives a new template, never a stale one. */
function templateName(migrationsDir?: string): string {
  const hash = createHash('sha256');
  hashDir(hash, kitMigrationsDir);
  hash.update('\0service\0');
  if (migrationsDir) hashDir(hash, migrationsDir);
  return `tpl_${hash.digest('hex').slice(0, 24)}`;
}

async function ensureTemplate(admin: pg.Client, adminUrl: string, name: string, migrationsDir?: string): Promise<void> {
  // Jest workers run test files in parallel; the first one builds the template, the rest wait here.
  await admin.query('SELECT pg_advisory_lock(hashtext($1))', [name]);
  try {
    const { rows } = await admin.query<{ datistemplate: boolean }>('SELECT datistemplate FROM pg_database WHERE datname = $1', [name]);
    if (rows[0]?.datistemplate) return;
    // Present but never finished (a run died mid-migration): rebuild it.
    if (rows[0]) await admin.query(`DROP DATABASE "${name}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${name}"`);
    await runMigrations({ databaseUrl: databaseUrl(adminUrl, name), dir: migrationsDir, logger: testLogger('migrations') });
    // Marked only once fully migrated; no connections allowed, as CREATE DATABASE … TEMPLATE needs none.
    await admin.query(`ALTER DATABASE "${name}" WITH IS_TEMPLATE true ALLOW_CONNECTIONS false`);
  } finally {
    await admin.query('SELECT pg_advisory_unlock(hashtext($1))', [name]);
  }
}

/**
 * A fresh, fully migrated database for one test file, cloned from a template that is migrated once
 * per set of migrations. Cloning takes a fraction of a second; migrating every file's database from
 * scratch would not.
 */
export async function createTestDatabase(options: CreateTestDatabaseOptions = {}): Promise<TestDatabase> {
  const { databaseAdminUrl } = testInfra();
  const template = templateName(options.migrationsDir);
  const name = `test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: databaseAdminUrl, application_name: 'testkit' });
  await admin.connect();
  try {
    await ensureTemplate(admin, databaseAdminUrl, template, options.migrationsDir);
    await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
  } finally {
    await admin.end();
  }
  const url = databaseUrl(databaseAdminUrl, name);
  const pool = createPool({ connectionString: url, max: options.poolMax ?? 10, applicationName: 'test', logger: testLogger('pool') });
  let dropped = false;
  return {
    name,
    url,
    pool,
    async drop() {
      if (dropped) return;
      dropped = true;
      await pool.end().catch(() => undefined);
      const client = new pg.Client({ connectionString: databaseAdminUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
