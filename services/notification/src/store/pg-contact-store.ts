// The bill read model (bill_contacts), kept from bill.* snapshots. A snapshot older than the row
// (a late redelivery) is ignored, so the model only moves forward.
import { money } from '@gateway/contracts';
import type { BillSnapshot, BusinessDate } from '@gateway/contracts';
import type { Queryable } from '@gateway/kit';
import type { BillContact } from '../domain/sms-plan.ts';

export async function upsertContact(db: Queryable, bill: BillSnapshot, msisdn: string | null): Promise<void> {
  await db.query(
    `INSERT INTO bill_contacts (bill_id, account_no, biller_id, governorate, holder_class, msisdn, locale, due_date, amount_due, currency, status, revision)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
     ON CONFLICT (bill_id) DO UPDATE SET
       account_no = EXCLUDED.account_no, biller_id = EXCLUDED.biller_id, governorate = EXCLUDED.governorate,
       holder_class = EXCLUDED.holder_class, msisdn = EXCLUDED.msisdn, locale = EXCLUDED.locale,
       due_date = EXCLUDED.due_date, amount_due = EXCLUDED.amount_due, currency = EXCLUDED.currency,
       status = EXCLUDED.status, revision = EXCLUDED.revision, updated_at = now()
     WHERE bill_contacts.revision < EXCLUDED.revision`,
    [
      bill.billId,
      bill.accountNo,
      bill.billerId,
      bill.governorate,
      bill.holder.class,
      msisdn,
      bill.holder.locale,
      bill.dueDate,
      bill.amountDue.amount,
      bill.amountDue.currency,
      bill.status,
      bill.revision,
    ],
  );
}

type ContactRow = { bill_id: string; account_no: string; msisdn: string | null; locale: 'ar' | 'en'; due_date: BusinessDate; amount_due: string; currency: string; status: string };

export const contactColumns = `bill_id, account_no, msisdn, locale, to_char(due_date, 'YYYY-MM-DD') AS due_date, amount_due, currency, status`;

export function contactOf(row: ContactRow): BillContact {
  return {
    billId: row.bill_id,
    accountNo: row.account_no,
    msisdn: row.msisdn,
    locale: row.locale,
    dueDate: row.due_date,
    amountDue: money(BigInt(row.amount_due), row.currency),
    status: row.status,
  };
}

export async function contactsOf(db: Queryable, billIds: readonly string[]): Promise<Map<string, BillContact>> {
  if (billIds.length === 0) return new Map();
  const { rows } = await db.query<ContactRow>(`SELECT ${contactColumns} FROM bill_contacts WHERE bill_id = ANY($1::text[])`, [billIds]);
  return new Map(rows.map((r) => [r.bill_id, contactOf(r)]));
}

/** Unpaid bills due on `dueDate` whose holder has a mobile: the day's reminder candidates. */
export async function unpaidBillsDueOn(db: Queryable, dueDate: BusinessDate): Promise<BillContact[]> {
  const { rows } = await db.query<ContactRow>(
    `SELECT ${contactColumns} FROM bill_contacts
      WHERE due_date = $1 AND status IN ('open', 'partially_paid', 'overdue') AND amount_due > 0 AND msisdn IS NOT NULL
      ORDER BY bill_id`,
    [dueDate],
  );
  return rows.map(contactOf);
}

/** The language a subscriber's bills are in (their latest bill's), Arabic when none is known. */
export async function contactLocaleOf(db: Queryable, msisdn: string): Promise<'ar' | 'en'> {
  const { rows } = await db.query<{ locale: 'ar' | 'en' }>('SELECT locale FROM bill_contacts WHERE msisdn = $1 ORDER BY updated_at DESC LIMIT 1', [msisdn]);
  return rows[0]?.locale ?? 'ar';
}

/** Keeps an event that must wait for one of `billIds` to reach the read model (see awaiting_contact). */
export async function parkAwaitingContact(db: Queryable, event: { eventId: string }, billIds: readonly string[]): Promise<void> {
  await db.query('INSERT INTO awaiting_contact (event_id, bill_ids, event) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [event.eventId, billIds, JSON.stringify(event)]);
}

/** Removes and returns the events that were waiting for `billId`, oldest first. */
export async function takeAwaitingContact(db: Queryable, billId: string): Promise<unknown[]> {
  const { rows } = await db.query<{ event: unknown; created_at: Date }>(
    'DELETE FROM awaiting_contact WHERE bill_ids @> ARRAY[$1]::text[] RETURNING event, created_at',
    [billId],
  );
  return rows.sort((a, b) => a.created_at.getTime() - b.created_at.getTime()).map((r) => r.event);
}

/** Events parked in awaiting_contact now (the notification_awaiting_contact gauge). */
export async function countAwaitingContact(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM awaiting_contact');
  return rows[0]?.n ?? 0;
}
