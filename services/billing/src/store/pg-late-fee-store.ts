// Late fees and overdue notices in Postgres: the daily run's chunk query, the fee and notice rows
// (whose unique keys make a second run find nothing left to do), the payments a fee's base needs,
// and the run's advisory lock. SQL only; the run itself is flows/run-late-fees.flow.ts, one bill's
// share flows/apply-late-fees.flow.ts.
import { money } from '@gateway/contracts';
import type { BusinessDate, Money } from '@gateway/contracts';
import type { Queryable } from '@gateway/kit';
import type { Pool } from 'pg';
import type { PaymentEntry } from '../domain/amount-due.ts';
import { payableStatuses } from '../domain/bill-state.ts';

// Any constant works as long as every instance uses the same one; it differs from the kit's
// migration lock so a run never waits behind a migration or the other way round.
export const lateFeeRunLockKey = 0x6269_6c6c_6665; // "billfe"

/** The run's lock, held on its own connection; `lost()` tells whether that connection has failed. */
export type LateFeeRunLock = { lost(): Error | undefined; release(): Promise<void> };

/**
 * Takes the run's session advisory lock, or answers undefined when another instance holds it. The
 * lock lives on one dedicated connection for the whole run: session advisory locks belong to the
 * connection, and a pooled query could release it on a different one. Losing that connection (a
 * Postgres restart) frees the lock; `lost()` says so, so the run can stop rather than carry on
 * unguarded.
 */
export async function tryLateFeeRunLock(pool: Pool): Promise<LateFeeRunLock | undefined> {
  const lockClient = await pool.connect();
  let lockLost: Error | undefined;
  const onLost = (err: Error) => (lockLost = err);
  lockClient.on('error', onLost);
  const release = async () => {
    await lockClient.query('SELECT pg_advisory_unlock($1)', [lateFeeRunLockKey]).catch(() => undefined);
    lockClient.off('error', onLost);
    lockClient.release(lockLost);
  };
  let locked: boolean;
  try {
    const { rows } = await lockClient.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [lateFeeRunLockKey]);
    locked = rows[0]?.locked === true;
  } catch (err) {
    await release();
    throw err;
  }
  if (!locked) {
    await release();
    return undefined;
  }
  return { lost: () => lockLost, release };
}

/** The next chunk of bills that may owe something on `businessDate`, after `afterBillId` (keyset paging). */
export async function payableBillsPastDue(db: Queryable, businessDate: BusinessDate, afterBillId: string, limit: number): Promise<string[]> {
  const { rows } = await db.query<{ bill_id: string }>(
    `SELECT bill_id FROM bills
     WHERE status = ANY($1::text[]) AND due_date < $2::date AND bill_id > $3
       -- A fee order's bill expires at its due date instead: no late fee, no overdue notice, no cut.
       AND expires_at IS NULL
     ORDER BY bill_id LIMIT $4`,
    [payableStatuses, businessDate, afterBillId, limit],
  );
  return rows.map((r) => r.bill_id);
}

/** What went to the bill and came back off it, dated, with the fee each waived: the input amountDue's fee bases and waivers need. */
export async function paymentEntriesOf(db: Queryable, billId: string): Promise<PaymentEntry[]> {
  const { rows } = await db.query<{ kind: 'payment' | 'reversal'; applied_amount: number; applied_waiver: number; currency: string; occurred_at: Date }>(
    `SELECT kind, applied_amount, applied_waiver, currency, occurred_at FROM bill_payments WHERE bill_id = $1 ORDER BY occurred_at`,
    [billId],
  );
  return rows.map((r) => {
    const currency = r.currency.trim();
    return { kind: r.kind, amount: money(r.applied_amount, currency), waivedLateFee: money(r.applied_waiver, currency), occurredAt: r.occurred_at };
  });
}

export type NewLateFee = {
  feeId: string;
  billId: string;
  step: number;
  amount: Money;
  base: Money;
  startsOn: BusinessDate;
  policy: string;
  businessDate: BusinessDate;
  appliedAt: Date;
};

/** Records a fee step; false when the bill has that step already (UNIQUE (bill_id, step)). */
export async function insertLateFee(db: Queryable, fee: NewLateFee): Promise<boolean> {
  const inserted = await db.query(
    `INSERT INTO late_fees (fee_id, bill_id, step, amount, currency, base_amount, starts_on, policy, business_date, applied_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (bill_id, step) DO NOTHING`,
    [fee.feeId, fee.billId, fee.step, fee.amount.amount, fee.amount.currency, fee.base.amount, fee.startsOn, fee.policy, fee.businessDate, fee.appliedAt],
  );
  return inserted.rowCount === 1;
}

/** Records an overdue notice; false when that stage was notified for the bill already. */
export async function insertOverdueNotice(
  db: Queryable,
  notice: { billId: string; stage: 'one_way' | 'two_way'; suspensionDate: BusinessDate; businessDate: BusinessDate; notifiedAt: Date },
): Promise<boolean> {
  const inserted = await db.query(
    `INSERT INTO bill_overdue_notices (bill_id, stage, suspension_date, business_date, notified_at)
     VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
    [notice.billId, notice.stage, notice.suspensionDate, notice.businessDate, notice.notifiedAt],
  );
  return inserted.rowCount === 1;
}

export async function markOverdueNotified(db: Queryable, billId: string, businessDate: BusinessDate): Promise<void> {
  await db.query('UPDATE bills SET overdue_notified_on = $2 WHERE bill_id = $1', [billId, businessDate]);
}
