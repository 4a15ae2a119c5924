// The daily late-fee run holds a session advisory lock on one dedicated connection, so that two
// instances never run at once. A Postgres restart (or a network cut) drops that connection and frees
// the lock; the run must then stop rather than carry on unguarded beside an instance that may now
// take the lock (issue 10 item 11: lock holders handle their connection's error). Tomorrow's run does
// the rest: each bill's fees are applied in its own transaction, so stopping half-way is safe.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase, testLogger, waitFor } from '@gateway/testkit';
import type { TestDatabase } from '@gateway/testkit';
import { defaultLateFeePolicy } from '../src/domain/late-fee-policy.ts';
import { runLateFees } from '../src/flows/run-late-fees.flow.ts';
import { lateFeeRunLockKey } from '../src/store/pg-late-fee-store.ts';
import { billingMigrationsDir, insertBill } from './support/bill-fixtures.ts';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase({ migrationsDir: billingMigrationsDir, poolMax: 6 });
});

afterAll(async () => {
  await db?.drop();
});

describe('late-fee run and its lock connection', () => {
  it('stops when the connection holding its lock is lost, and leaves the lock free', async () => {
    for (let i = 0; i < 5; i++) await insertBill(db.pool, { amount: 100_000 + i });
    const businessDate = '2026-07-01';

    // Every bill row locked elsewhere: the run takes its lock, then waits on its first bill.
    const blocker = await db.pool.connect();
    await blocker.query('BEGIN');
    await blocker.query('SELECT bill_id FROM bills FOR UPDATE');
    const running = runLateFees(
      { pool: db.pool, policy: defaultLateFeePolicy, logger: testLogger('late-fees'), clock: () => new Date(`${businessDate}T09:00:00+03:00`), chunkSize: 2 },
      businessDate,
    );
    const outcome = running.then(
      (result) => ({ result }),
      (error: unknown) => ({ error }),
    );

    // The lock holder's session, as Postgres sees it; ended as a restart would end it.
    const holder = await waitFor(
      async () =>
        (
          await db.pool.query<{ pid: number }>(
            `SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND ((classid::bigint << 32) | objid::bigint) = $1`,
            [lateFeeRunLockKey],
          )
        ).rows[0]?.pid,
      { message: 'the run to hold its lock' },
    );
    await db.pool.query('SELECT pg_terminate_backend($1)', [holder]);
    await blocker.query('COMMIT');
    blocker.release();

    const settled = await outcome;
    expect('error' in settled ? String(settled.error) : 'the run went on without its lock').toContain('its lock connection was lost');
    // The lock is free again: the next run (here or on another instance) can take it.
    const probe = await db.pool.connect();
    try {
      const { rows } = await probe.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [lateFeeRunLockKey]);
      expect(rows[0]!.locked).toBe(true);
      await probe.query('SELECT pg_advisory_unlock($1)', [lateFeeRunLockKey]);
    } finally {
      probe.release();
    }
  });
});
