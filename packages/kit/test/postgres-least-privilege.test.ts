// The local Postgres (infra/local/postgres.sh) gives each service a login role of its own that owns
// its database and is let into no other: a leaked billing password does not open the payments.
import { describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { testInfra } from '@gateway/testkit';

// The services and their databases, as infra/local/postgres.sh and start.sh name them.
const databases: Record<string, string> = {
  billing: 'billing',
  'payment-orchestration': 'payments',
  'bank-adapter': 'bank_adapter',
  notification: 'notification',
};

function urlFor(role: string, database: string): string {
  const url = new URL(testInfra().databaseAdminUrl);
  url.username = encodeURIComponent(role);
  // The local password of a service's role: local_service_password in infra/local/lib.sh.
  url.password = encodeURIComponent(`${role}-local`);
  url.pathname = `/${database}`;
  return url.toString();
}

/** Runs `sql` as `role` in `database`; the rows, or the error's SQLSTATE. */
async function asRole(role: string, database: string, sql: string): Promise<{ rows?: unknown[]; code?: string }> {
  const client = new pg.Client({ connectionString: urlFor(role, database), connectionTimeoutMillis: 5_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return { rows: (await client.query(sql)).rows };
  } catch (err) {
    return { code: (err as { code?: string }).code ?? String(err) };
  } finally {
    await client.end().catch(() => undefined);
  }
}

describe('the local Postgres', () => {
  it("refuses every service's role a connection to another service's database", async () => {
    const outcomes: Record<string, string | undefined> = {};
    const expected: Record<string, string> = {};
    for (const role of Object.keys(databases)) {
      for (const [other, database] of Object.entries(databases)) {
        if (other === role) continue;
        outcomes[`${role} -> ${database}`] = (await asRole(role, database, 'SELECT 1')).code;
        // 42501 insufficient_privilege: "permission denied for database … User does not have CONNECT privilege".
        expected[`${role} -> ${database}`] = '42501';
      }
    }
    expect(outcomes).toEqual(expected);
  });

  it('lets each role into its own database, which it owns with everything in it, as no superuser', async () => {
    for (const [role, database] of Object.entries(databases)) {
      const result = await asRole(
        role,
        database,
        `SELECT (SELECT rolsuper OR rolcreatedb OR rolcreaterole FROM pg_roles WHERE rolname = current_user) AS privileged,
                pg_get_userbyid(d.datdba) = current_user AS owns_database,
                (SELECT count(*)::int FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND c.relowner <> d.datdba) AS foreign_relations
           FROM pg_database d WHERE d.datname = current_database()`,
      );
      expect({ role, ...result }).toEqual({ role, rows: [{ privileged: false, owns_database: true, foreign_relations: 0 }] });
    }
  });
});
