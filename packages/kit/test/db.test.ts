import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { createTestDatabase, testInfra, testLogger, uniqueName } from '@gateway/testkit';
import type { TestDatabase } from '@gateway/testkit';
import { checkPostgres, createPool, databaseUrl, ensureDatabase, kitMigrationsDir, runMigrations, withTransaction } from '../src/db/index.ts';

// Every kit migration file, in order: the kit's own tables are applied to each service's database.
function kitMigrationNames(): string[] {
  return readdirSync(kitMigrationsDir).filter((f) => f.endsWith('.sql')).sort().map((f) => f.replace(/\.sql$/, ''));
}

const logger = testLogger();
let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
  await db.pool.query('CREATE TABLE things (id int PRIMARY KEY, n int NOT NULL)');
});

afterAll(async () => {
  await db?.drop();
});

async function dropDatabase(name: string): Promise<void> {
  const admin = new pg.Client({ connectionString: testInfra().databaseAdminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.end();
}

describe('withTransaction', () => {
  it('commits what fn wrote and returns its result', async () => {
    const result = await withTransaction(db.pool, async (client) => {
      await client.query('INSERT INTO things VALUES (1, 1)');
      return 'done';
    });
    expect(result).toBe('done');
    expect((await db.pool.query('SELECT n FROM things WHERE id = 1')).rows).toEqual([{ n: 1 }]);
  });

  it('rolls back everything when fn throws, and rethrows', async () => {
    await expect(
      withTransaction(db.pool, async (client) => {
        await client.query('INSERT INTO things VALUES (2, 2)');
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect((await db.pool.query('SELECT n FROM things WHERE id = 2')).rowCount).toBe(0);
  });

  it('runs at the requested isolation level', async () => {
    const level = await withTransaction(
      db.pool,
      async (client) => (await client.query<{ transaction_isolation: string }>('SHOW transaction_isolation')).rows[0]?.transaction_isolation,
      { isolationLevel: 'serializable' },
    );
    expect(level).toBe('serializable');
  });

  it('retries a serialization failure only when asked', async () => {
    await db.pool.query('INSERT INTO things VALUES (10, 0)');
    // Two serializable read-modify-write transactions on one row: the second to commit fails with 40001.
    const increment = (retries: number) =>
      withTransaction(
        db.pool,
        async (client) => {
          const { rows } = await client.query<{ n: number }>('SELECT n FROM things WHERE id = 10');
          await new Promise((r) => setTimeout(r, 100));
          await client.query('UPDATE things SET n = $1 WHERE id = 10', [(rows[0]?.n ?? 0) + 1]);
        },
        { isolationLevel: 'serializable', retries },
      );
    const noRetry = await Promise.allSettled([increment(0), increment(0)]);
    expect(noRetry.filter((r) => r.status === 'rejected')).toHaveLength(1);
    const rejected = noRetry.find((r) => r.status === 'rejected');
    expect((rejected?.reason as { code?: string }).code).toBe('40001');

    await Promise.all([increment(3), increment(3)]);
    // 1 from the surviving no-retry pair, 2 from the retried pair: no lost update.
    expect((await db.pool.query('SELECT n FROM things WHERE id = 10')).rows[0]).toEqual({ n: 3 });
  });

  it('returns its connection to the pool after a rollback', async () => {
    const pool = createPool({ connectionString: db.url, max: 1, logger });
    try {
      for (let i = 0; i < 3; i++) {
        await expect(withTransaction(pool, () => Promise.reject(new Error('x')))).rejects.toThrow('x');
      }
      await expect(withTransaction(pool, async (c) => (await c.query<{ one: number }>('SELECT 1 AS one')).rows[0])).resolves.toEqual({ one: 1 });
    } finally {
      await pool.end();
    }
  });
});

describe('createPool and checkPostgres', () => {
  it('applies a statement timeout', async () => {
    const pool = createPool({ connectionString: db.url, statementTimeoutMs: 200, logger });
    try {
      await expect(pool.query('SELECT pg_sleep(2)')).rejects.toMatchObject({ code: '57014' });
      await expect(checkPostgres(pool)).resolves.toBeUndefined();
    } finally {
      await pool.end();
    }
  });

  it('reads bigint as a number', async () => {
    expect((await db.pool.query('SELECT 9007199254740991::bigint AS n')).rows[0]).toEqual({ n: 9007199254740991 });
  });

  it('survives an idle connection being killed under it', async () => {
    const pool = createPool({ connectionString: db.url, max: 2, logger });
    try {
      const pid = (await pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid;
      await db.pool.query('SELECT pg_terminate_backend($1)', [pid]);
      // The idle client's error is logged, not thrown; the pool keeps serving.
      await new Promise((r) => setTimeout(r, 200));
      await expect(checkPostgres(pool)).resolves.toBeUndefined();
    } finally {
      await pool.end();
    }
  });

  it('fails readiness quickly when Postgres is unreachable', async () => {
    const pool = createPool({ connectionString: 'postgres://gateway:gateway@127.0.0.1:1/none', connectionTimeoutMs: 500, logger });
    try {
      await expect(checkPostgres(pool, 1_000)).rejects.toThrow();
    } finally {
      await pool.end();
    }
  });
});

describe('ensureDatabase and runMigrations', () => {
  it('creates a database once, even when two callers race', async () => {
    const name = uniqueName('ensure').replaceAll('-', '_');
    try {
      const results = await Promise.all([ensureDatabase(testInfra().databaseAdminUrl, name), ensureDatabase(testInfra().databaseAdminUrl, name)]);
      expect(results.filter((r) => r.created)).toHaveLength(1);
      expect(await ensureDatabase(testInfra().databaseAdminUrl, name)).toEqual({ created: false });
    } finally {
      await dropDatabase(name);
    }
  });

  it('refuses a database name it cannot use safely', async () => {
    await expect(ensureDatabase(testInfra().databaseAdminUrl, 'x"; DROP DATABASE postgres; --')).rejects.toThrow('refusing');
  });

  it('applies kit then service migrations, forward only, and two instances starting at once do not race', async () => {
    const name = uniqueName('migrate').replaceAll('-', '_');
    const dir = mkdtempSync(join(tmpdir(), 'migrations-'));
    writeFileSync(join(dir, '1767225600000_widgets.sql'), '-- Purpose: test table.\n-- Up Migration\nCREATE TABLE widgets (id int PRIMARY KEY);\n');
    writeFileSync(join(dir, '1767225600001_widget-names.sql'), '-- Up Migration\nALTER TABLE widgets ADD COLUMN name text;\n');
    await ensureDatabase(testInfra().databaseAdminUrl, name);
    const url = databaseUrl(testInfra().databaseAdminUrl, name);
    try {
      const [a, b] = await Promise.all([runMigrations({ databaseUrl: url, dir, logger }), runMigrations({ databaseUrl: url, dir, logger })]);
      // Exactly one of the two did the work; the other waited, then found nothing to do.
      const applied = [a, b].find((r) => r.service.length > 0);
      const idle = [a, b].find((r) => r.service.length === 0);
      expect(applied?.kit).toEqual(kitMigrationNames());
      expect(applied?.service).toEqual(['1767225600000_widgets', '1767225600001_widget-names']);
      expect(idle).toEqual({ kit: [], service: [] });

      const pool = createPool({ connectionString: url, logger });
      try {
        const tables = await pool.query<{ t: string }>(`SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`);
        expect(tables.rows.map((r) => r.t)).toEqual(['dead_letters', 'idempotency_keys', 'inbox', 'kit_migrations', 'migrations', 'outbox', 'widgets']);
        await pool.query(`INSERT INTO widgets VALUES (1, 'a')`);
      } finally {
        await pool.end();
      }
      writeFileSync(join(dir, '1767225600002_more.sql'), '-- Up Migration\nCREATE TABLE gadgets (id int);\n');
      expect(await runMigrations({ databaseUrl: url, dir, logger })).toEqual({ kit: [], service: ['1767225600002_more'] });
    } finally {
      await dropDatabase(name);
    }
  });

  it('gives each test file its own cloned, migrated database', async () => {
    const other = await createTestDatabase();
    try {
      expect(other.name).not.toBe(db.name);
      const { rows } = await other.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM kit_migrations');
      expect(rows[0]?.n).toBe(kitMigrationNames().length);
      // Isolation: the table this file created is not in the other database.
      await expect(other.pool.query('SELECT 1 FROM things')).rejects.toMatchObject({ code: '42P01' });
    } finally {
      await other.drop();
    }
  });
});
