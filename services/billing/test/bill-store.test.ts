import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase } from '@gateway/testkit';
import type { TestDatabase } from '@gateway/testkit';
import { readBill } from '../src/store/pg-bill-state-store.ts';
import { findAccountBills } from '../src/store/pg-bill-store.ts';
import { billingMigrationsDir, insertBill } from './support/bill-fixtures.ts';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase({ migrationsDir: billingMigrationsDir });
});

afterAll(async () => {
  await db?.drop();
});

async function readLocked(billId: string) {
  const client = await db.pool.connect();
  try {
    return await readBill(client, billId);
  } finally {
    client.release();
  }
}

describe('one bill mapper for the query store and the state store', () => {
  it('reads the same BillRecord through the account query and the locking read (with its account)', async () => {
    const lines = [
      { code: 'RENT', description: 'Line rental', amount: { amount: 100_000, currency: 'SYP' } },
      { code: 'CALLS', description: 'Calls', amount: { amount: 50_000, currency: 'SYP' } },
    ];
    const fixture = await insertBill(db.pool, { amount: 150_000, lines, holderClass: 'business' });
    const [listed] = await findAccountBills(db.pool, fixture.accountNo);
    const read = await readLocked(fixture.billId);

    expect(read?.bill).toEqual(listed);
    expect(listed).toMatchObject({ billId: fixture.billId, billerId: 'ste-landline', dueDate: '2026-05-31', lines, amount: { amount: 150_000, currency: 'SYP' } });
    // The joined account keeps its own biller, timestamps and class, not the bill's.
    expect(read?.account).toMatchObject({ accountNo: fixture.accountNo, holderClass: 'business', billerId: 'telecom', governorate: 'damascus' });
    expect(read?.account.createdAt).toBeInstanceOf(Date);
  });

  it('refuses a bill without its dates on every read, not only when it is settled', async () => {
    const fixture = await insertBill(db.pool);
    await db.pool.query('UPDATE bills SET due_date = NULL WHERE bill_id = $1', [fixture.billId]);
    await expect(findAccountBills(db.pool, fixture.accountNo)).rejects.toThrow(`bill ${fixture.billId} has no due_date`);
    await expect(readLocked(fixture.billId)).rejects.toThrow(`bill ${fixture.billId} has no due_date`);
  });
});
