// Statements prepared on the server (SQL PREPARE) and run with EXECUTE inside a simple query of
// several statements: one round trip for statements that need no answer in between, each planned
// once per connection. node-postgres sends one statement per round trip on its prepared (extended)
// path, and a simple query of plain statements is parsed and planned again every time; on the payment
// path the first cost four times as many round trips, the second a third of Postgres's CPU
// (bench/profile-payments.ts). The simple protocol has no parameters: EXECUTE takes literals,
// rendered here (strings escaped).
import pg from 'pg';
import type { PoolClient } from 'pg';

export interface ServerStatement {
  /** Unique in the process; not one node-postgres uses for its own named statements. */
  readonly name: string;
  /** SQL types of $1, $2, …, which the literals are read as. */
  readonly parameterTypes: readonly string[];
  /** The statement, with $1, $2, … for its parameters. */
  readonly sql: string;
}

export type SqlValue = string | number | boolean | null;

const preparedOn = new WeakMap<PoolClient, Set<string>>();

function literal(value: SqlValue): string {
  if (value === null) return 'NULL';
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new RangeError(`${value} cannot be a SQL literal`);
    return String(value);
  }
  return pg.escapeLiteral(value);
}

/**
 * `EXECUTE name(values…)`, to put in a simple query (statements joined with `;`). The statement is
 * prepared on this connection first if it is not yet: a round trip of its own, once per connection.
 * A PREPARE outlives the transaction it ran in, even one rolled back, so what is recorded here holds
 * for the connection's life (a broken connection is dropped by the pool, and a new one is a new client).
 */
export async function executeStatement(client: PoolClient, statement: ServerStatement, values: readonly SqlValue[]): Promise<string> {
  if (values.length !== statement.parameterTypes.length) throw new Error(`${statement.name} takes ${statement.parameterTypes.length} values, not ${values.length}`);
  let names = preparedOn.get(client);
  if (names === undefined) {
    names = new Set();
    preparedOn.set(client, names);
  }
  if (!names.has(statement.name)) {
    const types = statement.parameterTypes.length > 0 ? `(${statement.parameterTypes.join(', ')})` : '';
    try {
      await client.query(`PREPARE ${statement.name}${types} AS ${statement.sql}`);
    } catch (error) {
      // Already there (a record lost somehow): the transaction is spoilt, this request fails, the next one executes it.
      if ((error as { code?: string }).code === '42P05') names.add(statement.name);
      throw error;
    }
    names.add(statement.name);
  }
  return `EXECUTE ${statement.name}${values.length > 0 ? `(${values.map(literal).join(', ')})` : ''}`;
}
