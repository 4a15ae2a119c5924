import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { money } from '@gateway/contracts';
import { createPool, withTransaction } from '@gateway/kit';
import { createTestDatabase, testLogger } from '@gateway/testkit';
import type { TestDatabase } from '@gateway/testkit';
import type { Pool } from 'pg';
import { assessBill } from '../src/domain/amount-due.ts';
import { defaultLateFeePolicy } from '../src/domain/late-fee-policy.ts';
import { applyLateFeesToBill } from '../src/flows/apply-late-fees.flow.ts';
import { runLateFees } from '../src/flows/run-late-fees.flow.ts';
import type { LateFeeRunDeps } from '../src/flows/run-late-fees.flow.ts';
import { billingMigrationsDir, billRow, insertBill, outboxEvents } from './support/bill-fixtures.ts';
import type { BillFixture } from './support/bill-fixtures.ts';

const logger = testLogger('late-fees');
let db: TestDatabase;
let second: Pool;

beforeAll(async () => {
  db = await createTestDatabase({ migrationsDir: billingMigrationsDir, poolMax: 5 });
  // A second instance: its own pool, so the two runs really race on separate connections.
  second = createPool({ connectionString: db.url, max: 5, logger });
});

afterAll(async () => {
  await second?.end();
  await db?.drop();
});

const instantOf = (businessDate: string) => new Date(`${businessDate}T09:00:00+03:00`);

function deps(pool: Pool, businessDate: string, extra: Partial<LateFeeRunDeps> = {}): LateFeeRunDeps {
  return { pool, policy: defaultLateFeePolicy, logger, clock: () => instantOf(businessDate), chunkSize: 4, ...extra };
}

function run(pool: Pool, businessDate: string, extra: Partial<LateFeeRunDeps> = {}) {
  return runLateFees(deps(pool, businessDate, extra), businessDate);
}

async function lateFeeRows(): Promise<{ bill_id: string; step: number; amount: number; fee_id: string }[]> {
  return (await db.pool.query<{ bill_id: string; step: number; amount: number; fee_id: string }>('SELECT bill_id, step, amount, fee_id FROM late_fees ORDER BY bill_id, step')).rows;
}

/** Every fee is in the outbox exactly once, and every bill's stored late fee is what amountDue computes. */
async function expectExactlyOnce(bills: BillFixture[], businessDate: string): Promise<void> {
  const fees = await lateFeeRows();
  const applied = await outboxEvents(db.pool, 'bill.late-fee-applied');
  expect(applied.map((e) => (e.payload['fee'] as { feeId: string }).feeId).sort()).toEqual(fees.map((f) => f.fee_id).sort());
  for (const bill of bills) {
    const expected = assessBill({ amount: money(bill.amount, 'SYP'), dueDate: bill.dueDate, holderClass: bill.holderClass }, [], defaultLateFeePolicy, instantOf(businessDate));
    const stored = await billRow(db.pool, bill.billId);
    expect({ billId: bill.billId, lateFee: stored.late_fee }).toEqual({ billId: bill.billId, lateFee: bill.status === 'paid' ? 0 : expected.lateFee.amount });
    expect(fees.filter((f) => f.bill_id === bill.billId).map((f) => f.step)).toEqual(bill.status === 'paid' ? [] : expected.fees.map((f) => f.step));
  }
}

describe('late-fee daily run', () => {
  const bills: BillFixture[] = [];

  beforeAll(async () => {
    for (let i = 0; i < 12; i++) bills.push(await insertBill(db.pool, { amount: 100_000 + i * 1_234 }));
    for (let i = 0; i < 4; i++) bills.push(await insertBill(db.pool, { holderClass: 'business', amount: 2_000_000 + i }));
    for (let i = 0; i < 3; i++) bills.push(await insertBill(db.pool, { holderClass: 'public_entity', amount: 5_000_000 }));
    // Not yet due on the run date, and already paid: neither owes anything.
    bills.push(await insertBill(db.pool, { dueDate: '2026-08-15' }));
    bills.push(await insertBill(db.pool, { status: 'paid', paidAmount: 150_000 }));
  });

  it('announces the overdue bills once on the day after the due date, with no fee during grace', async () => {
    const first = await Promise.all([run(db.pool, '2026-06-01'), run(second, '2026-06-01')]);
    expect(first.filter((r) => !r.skipped).length).toBeGreaterThanOrEqual(1);
    expect(await lateFeeRows()).toEqual([]);
    const overdue = await outboxEvents(db.pool, 'bill.overdue');
    // Individuals and businesses are cut; public entities never are (cutOff null), so they get no notice.
    expect(overdue).toHaveLength(16);
    expect(new Set(overdue.map((e) => e.payload.billId)).size).toBe(16);
    expect(overdue[0]!.payload).toMatchObject({ overdueSince: '2026-06-01', suspensionDate: '2026-07-22', suspensionKind: 'one_way', status: 'overdue' });
    expect((await billRow(db.pool, bills[0]!.billId)).status).toBe('overdue');
    // Public entities are overdue too, just not announced for a cut.
    expect((await billRow(db.pool, bills[16]!.billId)).status).toBe('overdue');
  });

  it('applies one fee per bill per step when two instances run at once (the advisory lock lets one through)', async () => {
    const results = await Promise.all([run(db.pool, '2026-07-01'), run(second, '2026-07-01')]);
    expect(results.some((r) => !r.skipped && r.feesApplied > 0)).toBe(true);
    await expectExactlyOnce(bills, '2026-07-01');
    expect((await lateFeeRows()).length).toBe(16);
  });

  it('stays exact without the lock: two concurrent runs meet the unique key, not each other', async () => {
    const noLock = { useLock: false, chunkSize: 3 };
    const results = await Promise.all([run(db.pool, '2026-07-31', noLock), run(second, '2026-07-31', noLock)]);
    expect(results.every((r) => !r.skipped && r.failures === 0)).toBe(true);
    // Both walked every bill; together they applied the 12 second steps once.
    const total = results.reduce((s, r) => s + (r.skipped ? 0 : r.feesApplied), 0);
    expect(total).toBe(12);
    await expectExactlyOnce(bills, '2026-07-31');
    // Individuals: 5 % then the fixed step clipped to the 10 % cap.
    const first = bills[0]!;
    expect((await lateFeeRows()).filter((f) => f.bill_id === first.billId).map((f) => f.amount)).toEqual([5_000, 5_000]);
  });

  it('adds nothing when the run is restarted the same day, and sends the two-way cut notice once', async () => {
    const before = (await outboxEvents(db.pool)).length;
    const again = await run(db.pool, '2026-07-31');
    expect(again).toMatchObject({ skipped: false, feesApplied: 0, overdueNotices: 0 });
    expect((await outboxEvents(db.pool)).length).toBe(before);
    const twoWay = (await outboxEvents(db.pool, 'bill.overdue')).filter((e) => e.payload['suspensionKind'] === 'two_way');
    expect(twoWay).toHaveLength(16);
    expect(twoWay[0]!.payload).toMatchObject({ suspensionDate: '2026-08-22' });
  });

  it('finishes a run that died halfway without applying anything twice', async () => {
    const late = [await insertBill(db.pool, { dueDate: '2026-06-10' }), await insertBill(db.pool, { dueDate: '2026-06-10' }), await insertBill(db.pool, { dueDate: '2026-06-10' })];
    const ctx = { policy: defaultLateFeePolicy, businessDate: '2026-07-20', now: instantOf('2026-07-20'), correlationId: 'test' };
    // The "first attempt" got through one bill before it died.
    await withTransaction(db.pool, (client) => applyLateFeesToBill(client, late[0]!.billId, ctx));
    const resumed = await run(db.pool, '2026-07-20');
    expect(resumed).toMatchObject({ skipped: false, feesApplied: 2 });
    await expectExactlyOnce(late, '2026-07-20');
  });

  it('skips while another instance holds the lock', async () => {
    const holder = await second.connect();
    try {
      await holder.query('SELECT pg_advisory_lock($1)', [0x6269_6c6c_6665]);
      expect(await run(db.pool, '2026-07-31')).toEqual({ skipped: true, reason: 'another instance is running' });
    } finally {
      await holder.query('SELECT pg_advisory_unlock_all()');
      holder.release();
    }
  });
});
