// Every bill inquiry adds a row (issue 10, housekeeping: "today never deleted"). The retention job
// deletes inquiries expired for longer than INQUIRY_RETENTION, in bounded batches; an inquiry still
// valid, or expired only recently (a late payment naming it is still told inquiry_expired), stays.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase } from '@gateway/testkit';
import type { TestDatabase } from '@gateway/testkit';
import { purgeExpiredInquiries } from '../src/store/pg-inquiry-store.ts';
import { migrationsDir } from './support/harness.ts';

const day = 86_400_000;
let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase({ migrationsDir });
});

afterAll(async () => {
  await db.drop();
});

async function inquiries(prefix: string, count: number, expiredDaysAgo: number): Promise<void> {
  await db.pool.query(
    `INSERT INTO inquiries (inquiry_ref, client_id, biller_id, account_no, quoted, created_at, expires_at)
     SELECT $1 || g, 'bank-alpha', 'telecom', '0111234567', '[]'::jsonb,
            now() - make_interval(days => $3) - interval '10 minutes', now() - make_interval(days => $3)
     FROM generate_series(1, $2) g`,
    [prefix, count, expiredDaysAgo],
  );
}

describe('inquiry retention', () => {
  it('deletes inquiries expired longer ago than the retention, in bounded batches, and keeps the rest', async () => {
    await inquiries('inq_old_', 23, 8);
    await inquiries('inq_recent_', 4, 2);
    await inquiries('inq_valid_', 3, -1);

    const deletes: number[] = [];
    const pool = new Proxy(db.pool, {
      get(target, prop, receiver) {
        if (prop !== 'query') return Reflect.get(target, prop, receiver) as unknown;
        return async (...args: unknown[]) => {
          const result = await (target.query as (...a: unknown[]) => Promise<{ command: string; rowCount: number | null }>)(...args);
          if (result.command === 'DELETE') deletes.push(result.rowCount ?? 0);
          return result;
        };
      },
    });

    expect(await purgeExpiredInquiries(pool, { olderThanMs: 7 * day, batchSize: 10 })).toBe(23);
    expect(deletes).toEqual([10, 10, 3]);
    const { rows } = await db.pool.query<{ prefix: string; n: number }>(
      `SELECT split_part(inquiry_ref, '_', 2) AS prefix, count(*)::int AS n FROM inquiries GROUP BY 1 ORDER BY 1`,
    );
    expect(rows).toEqual([
      { prefix: 'recent', n: 4 },
      { prefix: 'valid', n: 3 },
    ]);
  });
});
