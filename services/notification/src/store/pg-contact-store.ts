// The bill read model (bill_contacts), kept from bill.* snapshots. A snapshot older than the row
// (a late redelivery) is ignored, so the model only moves forward.
import { money } from '@gateway/contracts';
import type { BillSnapshot, BusinessDate } from '@gateway/contracts';
import type { Queryable } from '@gateway/kit';
import type { BillContact } from '../domain/sms-plan.ts';

/**
 * Upserts bill snapshots, one per bill (the caller keeps the latest of a batch), in one statement; a
 * row already at the same or a newer revision is left as it is. The msisdn is the normalised one.
 */
export async function upsertContacts(db: Queryable, bills: readonly { bill: BillSnapshot; msisdn: string | null }[]): Promise<void> {
  if (bills.length === 0) return;
  const column = <T>(f: (b: BillSnapshot) => T) => bills.map((b) => f(b.bill));
  await db.query(
    `INSERT INTO bill_contacts (bill_id, account_no, biller_id, governorate, holder_class, msisdn, locale, due_date, amount_due, currency, status, revision)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::date[], $9::bigint[], $10::text[], $11::text[], $12::int[])
     ON CONFLICT (bill_id) DO UPDATE SET
       account_no = EXCLUDED.account_no, biller_id = EXCLUDED.biller_id, governorate = EXCLUDED.governorate,
       holder_class = EXCLUDED.holder_class, msisdn = EXCLUDED.msisdn, locale = EXCLUDED.locale,
       due_date = EXCLUDED.due_date, amount_due = EXCLUDED.amount_due, currency = EXCLUDED.currency,
       status = EXCLUDED.status, revision = EXCLUDED.revision, updated_at = now()
     WHERE bill_contacts.revision < EXCLUDED.revision`,
    [
      column((b) => b.billId),
      column((b) => b.accountNo),
      column((b) => b.billerId),
      column((b) => b.governorate),
      column((b) => b.holder.class),
      bills.map((b) => b.msisdn),
      column((b) => b.holder.locale),
      column((b) => b.dueDate),
      column((b) => String(b.amountDue.amount)),
      column((b) => b.amountDue.currency),
      column((b) => b.status),
      column((b) => b.revision),
    ],
  );
}

// The advisory lock class of a bill id (the two-key form, apart from the one-key locks on SMSC ids).
const billLockClass = 1_769_000;

/**
 * Serialises, per bill, a payment event parked for want of its bill with that bill's snapshot
 * arriving: both sides take this lock before they look (the park re-reads the read model, the
 * snapshot's batch takes the parked events), so whichever commits second sees the first. Without it,
 * two partitions' batches running at once could each miss the other's uncommitted row and leave a
 * receipt parked for good. Sorted, so two batches never deadlock on it.
 */
export async function lockBills(client: Queryable, billIds: readonly string[]): Promise<void> {
  if (billIds.length === 0) return;
  await client.query(`SELECT pg_advisory_xact_lock(${billLockClass}, hashtext(id)) FROM unnest($1::text[]) AS id`, [[...new Set(billIds)].sort()]);
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

/**
 * The language of each complaint's customer, by complaint id: that of their mobile's latest bill, else
 * of the complained-of account's latest bill; absent when neither is known. One statement a batch.
 */
export async function complaintLocalesOf(
  db: Queryable,
  complaints: readonly { complaintId: string; msisdn: string | null; accountNo: string | null }[],
): Promise<Map<string, 'ar' | 'en'>> {
  if (complaints.length === 0) return new Map();
  const { rows } = await db.query<{ complaint_id: string; locale: 'ar' | 'en' | null }>(
    `SELECT c.complaint_id,
            (SELECT b.locale FROM bill_contacts b WHERE b.msisdn = c.msisdn OR b.account_no = c.account_no
              ORDER BY (b.msisdn = c.msisdn) DESC NULLS LAST, b.updated_at DESC LIMIT 1) AS locale
       FROM unnest($1::text[], $2::text[], $3::text[]) AS c(complaint_id, msisdn, account_no)`,
    [complaints.map((c) => c.complaintId), complaints.map((c) => c.msisdn), complaints.map((c) => c.accountNo)],
  );
  return new Map(rows.flatMap((r) => (r.locale === null ? [] : [[r.complaint_id, r.locale] as const])));
}

/** Keeps events that must wait for one of their `billIds` to reach the read model (see awaiting_contact). */
export async function parkAwaitingContact(db: Queryable, parked: readonly { event: { eventId: string }; billIds: readonly string[] }[]): Promise<void> {
  if (parked.length === 0) return;
  await db.query(
    `INSERT INTO awaiting_contact (event_id, bill_ids, event)
     SELECT event_id, ARRAY(SELECT jsonb_array_elements_text(bill_ids)), event FROM unnest($1::text[], $2::jsonb[], $3::jsonb[]) AS p(event_id, bill_ids, event)
     ON CONFLICT DO NOTHING`,
    [parked.map((p) => p.event.eventId), parked.map((p) => JSON.stringify(p.billIds)), parked.map((p) => JSON.stringify(p.event))],
  );
}

/** Removes and returns the events that were waiting for any of `billIds`, oldest first. */
export async function takeAwaitingContact(db: Queryable, billIds: readonly string[]): Promise<unknown[]> {
  if (billIds.length === 0) return [];
  const { rows } = await db.query<{ event: unknown }>(
    `WITH taken AS (DELETE FROM awaiting_contact WHERE bill_ids && $1::text[] RETURNING event_id, event, created_at)
     SELECT event FROM taken ORDER BY created_at, event_id`,
    [billIds],
  );
  return rows.map((r) => r.event);
}

/** Events parked in awaiting_contact now (the notification_awaiting_contact gauge). */
export async function countAwaitingContact(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM awaiting_contact');
  return rows[0]?.n ?? 0;
}
