// Server-prepared statements run with EXECUTE in a simple query (kit db/server-statements.ts).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase } from '@gateway/testkit';
import type { TestDatabase } from '@gateway/testkit';
import type { QueryResult } from 'pg';
import { executeStatement, withTransaction } from '../src/db/index.ts';
import type { ServerStatement } from '../src/db/index.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase({ poolMax: 1 });
  await db.pool.query('CREATE TABLE notes (id int PRIMARY KEY, body text)');
});
afterAll(async () => {
  await db?.drop();
});

const insertNote: ServerStatement = { name: 'test_insert_note', parameterTypes: ['integer', 'text'], sql: 'INSERT INTO notes (id, body) VALUES ($1, $2) RETURNING id, body' };
const readNote: ServerStatement = { name: 'test_read_note', parameterTypes: ['integer'], sql: 'SELECT body FROM notes WHERE id = $1' };

describe('executeStatement', () => {
  it('prepares a statement once per connection, and the statement outlives a rolled-back transaction', async () => {
    const client = await db.pool.connect();
    const sent: string[] = [];
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args) => {
      if (typeof args[0] === 'string') sent.push(args[0]);
      return query(...args);
    };
    try {
      await client.query('BEGIN');
      const first = await executeStatement(client, insertNote, [1, 'first']);
      await client.query(first);
      await client.query('ROLLBACK');
      expect(sent.filter((q) => q.startsWith('PREPARE'))).toHaveLength(1);

      await client.query('BEGIN');
      const again = await executeStatement(client, insertNote, [2, 'second']);
      const read = await executeStatement(client, readNote, [2]);
      const [inserted, found] = (await client.query(`${again}; ${read}`)) as unknown as QueryResult[];
      await client.query('COMMIT');
      expect(inserted?.rows).toEqual([{ id: 2, body: 'second' }]);
      expect(found?.rows).toEqual([{ body: 'second' }]);
      expect(sent.filter((q) => q.startsWith('PREPARE'))).toEqual([expect.stringContaining('test_insert_note'), expect.stringContaining('test_read_note')]);
    } finally {
      delete (client as unknown as { query?: unknown }).query;
      client.release();
    }
  });

  it('passes strings with quotes and backslashes, and NULL, as the values they are', async () => {
    const body = `it's a \\ ; DROP TABLE notes; --`;
    await withTransaction(db.pool, async (client) => {
      await client.query(await executeStatement(client, insertNote, [3, body]));
      await client.query(await executeStatement(client, insertNote, [4, null]));
    });
    const { rows } = await db.pool.query('SELECT id, body FROM notes WHERE id IN (3, 4) ORDER BY id');
    expect(rows).toEqual([
      { id: 3, body },
      { id: 4, body: null },
    ]);
  });

  it('refuses a value count other than the statement takes, and a number that is no number', async () => {
    const client = await db.pool.connect();
    try {
      await expect(executeStatement(client, readNote, [])).rejects.toThrow('test_read_note takes 1 values, not 0');
      await expect(executeStatement(client, readNote, [Number.NaN])).rejects.toThrow(RangeError);
    } finally {
      client.release();
    }
  });
});
