// Retention (issue 10, housekeeping): published outbox rows, inbox records and expired idempotency keys
// past their age are deleted, in batches no larger than configured; young rows and unpublished or
// parked outbox rows stay however old; the scheduled pass counts what it deleted per table.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createTestDatabase, testLogger, waitFor } from '@gateway/testkit';
import type { TestDatabase } from '@gateway/testkit';
import type { Pool } from 'pg';
import { Registry } from 'prom-client';
import { purgeExpiredIdempotencyKeys } from '../src/idempotency/index.ts';
import { createRetentionTask, purgeProcessedInbox, purgePublishedOutbox } from '../src/retention/index.ts';

const day = 86_400_000;
let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});

afterAll(async () => {
  await db.drop();
});

beforeEach(async () => {
  await db.pool.query('TRUNCATE outbox, inbox, idempotency_keys');
});

/** Outbox rows created and published `ageDays` ago (published: false leaves them unpublished; parked parks them). */
async function outboxRows(count: number, ageDays: number, state: 'published' | 'unpublished' | 'parked' = 'published'): Promise<void> {
  await db.pool.query(
    `INSERT INTO outbox (event_id, topic, key, payload, created_at, published_at, parked_at)
     SELECT gen_random_uuid(), 't', 'k', '{}'::jsonb, now() - make_interval(days => $2),
            CASE WHEN $3 = 'published' THEN now() - make_interval(days => $2) END,
            CASE WHEN $3 = 'parked' THEN now() - make_interval(days => $2) END
     FROM generate_series(1, $1)`,
    [count, ageDays, state],
  );
}

async function inboxRows(count: number, ageDays: number): Promise<void> {
  await db.pool.query(
    `INSERT INTO inbox (consumer, event_id, processed_at) SELECT 'c', gen_random_uuid(), now() - make_interval(days => $2) FROM generate_series(1, $1)`,
    [count, ageDays],
  );
}

async function idempotencyKeys(count: number, expiresInDays: number): Promise<void> {
  await db.pool.query(
    `INSERT INTO idempotency_keys (client_id, key, request_hash, status, response_status, response_body, created_at, expires_at)
     SELECT 'bank', $3 || g, 'h', 'completed', 201, '{}', now() - make_interval(days => 30 - $2), now() + make_interval(days => $2)
     FROM generate_series(1, $1) g`,
    [count, expiresInDays, randomUUID()],
  );
}

async function count(sql: string): Promise<number> {
  const { rows } = await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${sql}`);
  return rows[0]!.n;
}

/** The same pool, recording how many rows each DELETE touched: the batches' sizes, as Postgres reports them. */
function recordingDeletes(pool: Pool): { pool: Pool; deletes: number[] } {
  const deletes: number[] = [];
  const recording = new Proxy(pool, {
    get(target, prop, receiver) {
      if (prop !== 'query') return Reflect.get(target, prop, receiver) as unknown;
      return async (...args: Parameters<Pool['query']>) => {
        const result = await (target.query as (...a: unknown[]) => Promise<{ command: string; rowCount: number | null }>)(...args);
        if (result.command === 'DELETE') deletes.push(result.rowCount ?? 0);
        return result;
      };
    },
  });
  return { pool: recording, deletes };
}

describe('retention', () => {
  it('deletes published outbox rows past their age in bounded batches, and keeps young, unpublished and parked ones', async () => {
    await outboxRows(25, 8);
    await outboxRows(4, 6);
    await outboxRows(3, 30, 'unpublished');
    await outboxRows(2, 30, 'parked');
    const { pool, deletes } = recordingDeletes(db.pool);

    expect(await purgePublishedOutbox(pool, { olderThanMs: 7 * day, batchSize: 10 })).toBe(25);

    expect(deletes).toEqual([10, 10, 5]);
    expect(await count(`outbox WHERE published_at IS NOT NULL`)).toBe(4);
    expect(await count(`outbox WHERE published_at IS NULL AND parked_at IS NULL`)).toBe(3);
    expect(await count(`outbox WHERE parked_at IS NOT NULL`)).toBe(2);
  });

  it('deletes inbox records past their age in bounded batches, and keeps younger ones', async () => {
    await inboxRows(12, 15);
    await inboxRows(5, 13);
    const { pool, deletes } = recordingDeletes(db.pool);

    expect(await purgeProcessedInbox(pool, { olderThanMs: 14 * day, batchSize: 5 })).toBe(12);

    expect(Math.max(...deletes)).toBeLessThanOrEqual(5);
    expect(await count('inbox')).toBe(5);
  });

  it('deletes idempotency keys once their 30 days are over, and keeps the ones still replayable', async () => {
    await idempotencyKeys(7, -1);
    await idempotencyKeys(3, 1);
    const { pool, deletes } = recordingDeletes(db.pool);

    expect(await purgeExpiredIdempotencyKeys(pool, 3)).toBe(7);

    expect(Math.max(...deletes)).toBeLessThanOrEqual(3);
    expect(await count('idempotency_keys')).toBe(3);
  });

  it('runs one scheduled task per table that counts the rows it deleted per table', async () => {
    await outboxRows(6, 8);
    await inboxRows(4, 20);
    await idempotencyKeys(2, -3);
    const registry = new Registry();
    const task = createRetentionTask({
      intervalMs: 60_000,
      initialDelayMs: 0,
      logger: testLogger('retention'),
      registry,
      jobs: [
        { table: 'outbox', purge: () => purgePublishedOutbox(db.pool, { olderThanMs: 7 * day, batchSize: 4 }) },
        { table: 'inbox', purge: () => purgeProcessedInbox(db.pool, { olderThanMs: 14 * day, batchSize: 4 }) },
        { table: 'idempotency_keys', purge: () => purgeExpiredIdempotencyKeys(db.pool, 4) },
      ],
    });
    task.start();
    try {
      const deleted = async (table: string) =>
        (await registry.getSingleMetric('retention_rows_deleted_total')!.get()).values.find((v) => v.labels.table === table)?.value;
      await waitFor(async () => (await deleted('idempotency_keys')) === 2 && (await deleted('outbox')) === 6 && (await deleted('inbox')) === 4, {
        message: "each table's first pass to be counted",
      });
      expect(await count('outbox')).toBe(0);
      expect(await count('inbox')).toBe(0);
    } finally {
      await task.stop();
    }
  });
});
