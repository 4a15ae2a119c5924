// Bills and accounts inserted straight into the shared tables, so settlement and late-fee tests do not
// depend on the import path (tested on its own).
import { randomUUID } from 'node:crypto';
import type { HolderClass } from '@gateway/contracts';
import type { Pool } from 'pg';
import { v7 as uuidv7 } from 'uuid';

export const billingMigrationsDir = new URL('../../migrations', import.meta.url).pathname;

let sequence = 0;

export type BillFixture = {
  billId: string;
  accountNo: string;
  amount: number;
  dueDate: string;
  holderClass: HolderClass;
  status: string;
};

export async function insertBill(
  pool: Pool,
  options: {
    /** An id decided before the bill exists (an event that named it before it was imported). */
    billId?: string;
    amount?: number;
    dueDate?: string;
    holderClass?: HolderClass;
    accountNo?: string;
    status?: string;
    paidAmount?: number;
    /** Stored as the import stores them: each amount a Money. */
    lines?: { code: string; description: string; amount: { amount: number; currency: string } }[];
  } = {},
): Promise<BillFixture> {
  sequence += 1;
  const accountNo = options.accountNo ?? `011${String(Date.now() % 10_000_000).padStart(7, '0')}${sequence}`;
  const holderClass = options.holderClass ?? 'individual';
  await pool.query(
    `INSERT INTO accounts (account_no, holder_name, holder_class, msisdn, governorate) VALUES ($1, 'Rami Haddad', $2, '+963944123456', 'damascus')
     ON CONFLICT DO NOTHING`,
    [accountNo, holderClass],
  );
  const billId = options.billId ?? `bil_${uuidv7()}`;
  const fixture: BillFixture = {
    billId,
    accountNo,
    amount: options.amount ?? 150_000,
    dueDate: options.dueDate ?? '2026-05-31',
    holderClass,
    status: options.status ?? 'open',
  };
  await pool.query(
    `INSERT INTO bills (bill_id, external_bill_id, account_no, biller_id, period_from, period_to, issue_date, due_date, amount, currency, lines, status, paid_amount)
     VALUES ($1, $2, $3, 'ste-landline', '2026-03-01', '2026-04-30', '2026-05-01', $4, $5, 'SYP', $8, $6, $7)`,
    [billId, `STE-${randomUUID()}`, accountNo, fixture.dueDate, fixture.amount, fixture.status, options.paidAmount ?? 0, JSON.stringify(options.lines ?? [])],
  );
  return fixture;
}

export type BillRowView = { status: string; paid_amount: number; late_fee: number; revision: number };

export async function billRow(pool: Pool, billId: string): Promise<BillRowView> {
  const { rows } = await pool.query<BillRowView>('SELECT status, paid_amount, late_fee, revision FROM bills WHERE bill_id = $1', [billId]);
  if (!rows[0]) throw new Error(`no bill ${billId}`);
  return rows[0];
}

export type OutboxView = { type: string; key: string; payload: Record<string, unknown> & { billId: string } };

/** Events billing enqueued, oldest first (the outbox is the source; the relay is not running in these tests). */
export async function outboxEvents(pool: Pool, type?: string): Promise<OutboxView[]> {
  const { rows } = await pool.query<{ payload: { type: string; key: string; payload: OutboxView['payload'] } }>('SELECT payload FROM outbox ORDER BY id');
  return rows.map((r) => ({ type: r.payload.type, key: r.payload.key, payload: r.payload.payload })).filter((e) => type === undefined || e.type === type);
}
