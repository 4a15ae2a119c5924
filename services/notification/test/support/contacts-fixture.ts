// Seeds notification's bill_contacts read model straight in Postgres, for tests that need contacts
// without driving bill.* events through the consumer. One INSERT … SELECT FROM unnest(…) per call, so
// 10,000 rows cost one round trip (and stay well under the 65,535 bind-parameter limit a multi-row
// VALUES list would hit at 13 columns). Not a test file itself.
import type { Pool } from 'pg';

export type ContactSeed = {
  accountNo: string;
  /** E.164, or null for a holder who gave no mobile. */
  msisdn: string | null;
  billId?: string;
  billerId?: string;
  governorate?: string | null;
  holderClass?: 'individual' | 'business' | 'public_entity';
  locale?: 'ar' | 'en';
  dueDate?: string;
  amountDue?: number;
  currency?: string;
  status?: string;
  revision?: number;
  updatedAt?: Date | string;
};

let sequence = 0;

/** Inserts the rows (defaults: an open individual bill of 1,500.00 SYP in Damascus, Arabic); returns their bill ids. */
export async function seedContacts(pool: Pool, rows: readonly ContactSeed[]): Promise<string[]> {
  if (rows.length === 0) return [];
  const filled = rows.map((r) => {
    sequence += 1;
    return {
      billId: r.billId ?? `bil_fixture_${process.pid}_${Date.now().toString(36)}_${sequence}`,
      accountNo: r.accountNo,
      billerId: r.billerId ?? 'telecom',
      governorate: r.governorate === undefined ? 'damascus' : r.governorate,
      holderClass: r.holderClass ?? 'individual',
      msisdn: r.msisdn,
      locale: r.locale ?? 'ar',
      dueDate: r.dueDate ?? '2026-12-15',
      amountDue: String(r.amountDue ?? 150_000),
      currency: r.currency ?? 'SYP',
      status: r.status ?? 'open',
      revision: r.revision ?? 1,
      updatedAt: r.updatedAt === undefined ? new Date() : new Date(r.updatedAt),
    };
  });
  const column = <K extends keyof (typeof filled)[number]>(key: K) => filled.map((f) => f[key]);
  await pool.query(
    `INSERT INTO bill_contacts (bill_id, account_no, biller_id, governorate, holder_class, msisdn, locale, due_date, amount_due, currency, status, revision, updated_at)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::date[], $9::bigint[], $10::char(3)[], $11::text[], $12::int[], $13::timestamptz[])`,
    [
      column('billId'),
      column('accountNo'),
      column('billerId'),
      column('governorate'),
      column('holderClass'),
      column('msisdn'),
      column('locale'),
      column('dueDate'),
      column('amountDue'),
      column('currency'),
      column('status'),
      column('revision'),
      column('updatedAt'),
    ],
  );
  return filled.map((f) => f.billId);
}
