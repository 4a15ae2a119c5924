import pg from 'pg';

const safeName = /^[a-z_][a-z0-9_]{0,62}$/;

export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Returns `url` pointing at database `name` on the same server with the same credentials. */
export function databaseUrl(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(name)}`;
  return u.toString();
}

/**
 * Creates database `name` if it does not exist, connecting through `adminUrl` (a role allowed to
 * CREATE DATABASE). Safe when several services start at once against one empty server.
 */
export async function ensureDatabase(adminUrl: string, name: string): Promise<{ created: boolean }> {
  // CREATE DATABASE cannot take a bind parameter, so the name is restricted instead of escaped alone.
  if (!safeName.test(name)) throw new Error(`refusing database name ${JSON.stringify(name)}: use [a-z0-9_], max 63 chars`);
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5_000 });
  // A dropped connection rejects the query in flight; without a listener it would also kill the process.
  client.on('error', () => undefined);
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount) return { created: false };
    try {
      await client.query(`CREATE DATABASE ${quoteIdentifier(name)}`);
      return { created: true };
    } catch (err) {
      // Two instances racing past the check: 42P04 duplicate_database, or 23505 from the catalog's
      // unique index when both inserts land at the same moment. Either way the database exists.
      const code = (err as { code?: string }).code;
      if (code === '42P04' || code === '23505') return { created: false };
      throw err;
    }
  } finally {
    await client.end();
  }
}

/**
 * Drops the named scratch databases (a bench's, a test stack's) through `adminUrl`. FORCE: a child
 * killed with SIGKILL may leave a connection behind that would otherwise keep the database alive.
 */
export async function dropDatabases(adminUrl: string, names: readonly string[]): Promise<void> {
  if (names.length === 0) return;
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5_000 });
  client.on('error', () => undefined);
  await client.connect();
  try {
    for (const name of names) await client.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(name)} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
