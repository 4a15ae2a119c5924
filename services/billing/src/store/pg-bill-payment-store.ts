// Applying payments to bills, the Postgres part: bill_payments (each payment and reversal applied to
// a bill, the key that keeps each to one application) and billing_unapplied_payments (money that
// could not go to a bill, and why). SQL only, one statement per table for a whole batch of events:
// the reads name every (payment, bill) pair the batch touches, the writes take what the batch did
// (domain/settlement-book.ts); what to write when is decided by flows/apply-payment.flow.ts and
// flows/apply-reversal.flow.ts.
import { money } from '@gateway/contracts';
import type { Money } from '@gateway/contracts';
import type { Queryable } from '@gateway/kit';
import type { UnappliedReason } from '../domain/bill-settlement.ts';
import { pairKey, quoteKey } from '../domain/settlement-book.ts';
import type { AppliedPayment, LivePayment, NewBillPayment, NewUnapplied, Resolution, StoredUnapplied } from '../domain/settlement-book.ts';

export type PaymentPair = { paymentId: string; billId: string };

function pairColumns(pairs: readonly PaymentPair[]): [string[], string[]] {
  return [pairs.map((p) => p.paymentId), pairs.map((p) => p.billId)];
}

/** The bill_payments rows of these pairs: payment rows by pairKey, and the pairs with a reversal row. */
export async function findBillPayments(
  db: Queryable,
  pairs: readonly PaymentPair[],
): Promise<{ payments: Map<string, AppliedPayment>; reversals: Set<string> }> {
  const payments = new Map<string, AppliedPayment>();
  const reversals = new Set<string>();
  if (pairs.length === 0) return { payments, reversals };
  const { rows } = await db.query<{
    payment_id: string;
    bill_id: string;
    kind: 'payment' | 'reversal';
    amount: number;
    applied_amount: number;
    waived_late_fee: number;
    applied_waiver: number;
    currency: string;
  }>(
    `SELECT p.payment_id, p.bill_id, p.kind, p.amount, p.applied_amount, p.waived_late_fee, p.applied_waiver, p.currency
     FROM bill_payments p JOIN unnest($1::text[], $2::text[]) AS t(payment_id, bill_id) ON p.payment_id = t.payment_id AND p.bill_id = t.bill_id`,
    pairColumns(pairs),
  );
  for (const r of rows) {
    const key = pairKey(r.payment_id, r.bill_id);
    if (r.kind === 'reversal') reversals.add(key);
    // char(3): trimmed so a code stored short never reaches Money padded.
    else payments.set(key, { amount: r.amount, applied: r.applied_amount, waivedLateFee: r.waived_late_fee, appliedWaiver: r.applied_waiver, currency: r.currency.trim() });
  }
  return { payments, reversals };
}

/** The billing_unapplied_payments rows of these pairs, resolved or not. */
export async function findUnapplied(db: Queryable, pairs: readonly PaymentPair[]): Promise<StoredUnapplied[]> {
  if (pairs.length === 0) return [];
  const { rows } = await db.query<{ id: string; payment_id: string; bill_id: string; kind: 'payment' | 'reversal'; reason: UnappliedReason; open: boolean }>(
    `SELECT u.id::text AS id, u.payment_id, u.bill_id, u.kind, u.reason, u.resolved_at IS NULL AS open
     FROM billing_unapplied_payments u JOIN unnest($1::text[], $2::text[]) AS t(payment_id, bill_id) ON u.payment_id = t.payment_id AND u.bill_id = t.bill_id
     ORDER BY u.id`,
    pairColumns(pairs),
  );
  return rows.map((r) => ({ id: r.id, paymentId: r.payment_id, billId: r.bill_id, kind: r.kind, reason: r.reason, open: r.open }));
}

/** By bill: the payments applied to it and not reversed (`at` in microseconds, Postgres's own precision). */
export async function findLivePayments(db: Queryable, billIds: readonly string[]): Promise<Map<string, LivePayment[]>> {
  const live = new Map<string, LivePayment[]>();
  if (billIds.length === 0) return live;
  const { rows } = await db.query<{ bill_id: string; payment_id: string; at: string }>(
    `SELECT p.bill_id, p.payment_id, (extract(epoch FROM p.occurred_at) * 1000000)::bigint::text AS at FROM bill_payments p
     WHERE p.bill_id = ANY($1::text[]) AND p.kind = 'payment' AND p.applied_amount > 0
       AND NOT EXISTS (SELECT 1 FROM bill_payments r WHERE r.bill_id = p.bill_id AND r.payment_id = p.payment_id AND r.kind = 'reversal')`,
    [billIds],
  );
  for (const r of rows) {
    const list = live.get(r.bill_id) ?? [];
    list.push({ paymentId: r.payment_id, at: BigInt(r.at) });
    live.set(r.bill_id, list);
  }
  return live;
}

/** The bills among `billIds` an overdue notice (a cut-off announced) was ever sent for. */
export async function findOverdueNotices(db: Queryable, billIds: readonly string[]): Promise<Set<string>> {
  if (billIds.length === 0) return new Set();
  const { rows } = await db.query<{ bill_id: string }>('SELECT DISTINCT bill_id FROM bill_overdue_notices WHERE bill_id = ANY($1::text[])', [billIds]);
  return new Set(rows.map((r) => r.bill_id));
}

export type QuoteFeesQuery = { billId: string; quotedAt: string; currency: Money['currency'] };

/** For each quote, the late fees billing applied to its bill after the quote's time, in that currency (by quoteKey). */
export async function lateFeesAppliedAfter(db: Queryable, quotes: readonly QuoteFeesQuery[]): Promise<Map<string, Money>> {
  const fees = new Map<string, Money>();
  if (quotes.length === 0) return fees;
  const { rows } = await db.query<{ n: string; total: string }>(
    `SELECT q.n::text AS n, COALESCE(sum(f.amount), 0)::text AS total
     FROM unnest($1::text[], $2::timestamptz[], $3::text[]) WITH ORDINALITY AS q(bill_id, quoted_at, currency, n)
     LEFT JOIN late_fees f ON f.bill_id = q.bill_id AND f.applied_at > q.quoted_at AND f.currency = q.currency
     GROUP BY q.n`,
    [quotes.map((q) => q.billId), quotes.map((q) => q.quotedAt), quotes.map((q) => q.currency)],
  );
  for (const r of rows) {
    const q = quotes[Number(r.n) - 1];
    if (q !== undefined) fees.set(quoteKey(q.billId, q.quotedAt, q.currency), money(Number(r.total), q.currency));
  }
  return fees;
}

/**
 * Writes the batch's new payment and reversal rows. They were checked against the rows read under
 * the bills' locks, so each must be new: a row that is not means another writer got past those locks,
 * and the batch is rolled back (to be retried on what is there now) rather than half-applied.
 */
export async function insertBillPayments(db: Queryable, rows: readonly NewBillPayment[]): Promise<void> {
  if (rows.length === 0) return;
  const result = await db.query(
    `INSERT INTO bill_payments (payment_id, bill_id, kind, amount, applied_amount, waived_late_fee, applied_waiver, currency, event_id, reversal_id,
       occurred_at, quoted_at, quoted_amount_due, channel_id, receipt_no)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::bigint[], $6::bigint[], $7::bigint[], $8::text[], $9::uuid[], $10::text[],
       $11::timestamptz[], $12::timestamptz[], $13::bigint[], $14::text[], $15::text[])
     ON CONFLICT DO NOTHING`,
    [
      rows.map((r) => r.paymentId),
      rows.map((r) => r.billId),
      rows.map((r) => r.kind),
      rows.map((r) => r.amount),
      rows.map((r) => r.applied),
      rows.map((r) => r.waivedLateFee),
      rows.map((r) => r.appliedWaiver),
      rows.map((r) => r.currency),
      rows.map((r) => r.eventId),
      rows.map((r) => r.reversalId),
      rows.map((r) => r.occurredAt),
      rows.map((r) => r.quote?.quotedAt ?? null),
      rows.map((r) => r.quote?.amountDue.amount ?? null),
      rows.map((r) => r.channelId),
      rows.map((r) => r.receiptNo),
    ],
  );
  if (result.rowCount !== rows.length) throw new Error(`bill_payments: ${rows.length - (result.rowCount ?? 0)} rows were written by another transaction meanwhile; the batch is retried`);
}

/** Records money that did not reach a bill, in the batch's order; the same check as insertBillPayments. */
export async function insertUnapplied(db: Queryable, rows: readonly NewUnapplied[]): Promise<void> {
  if (rows.length === 0) return;
  const result = await db.query(
    `INSERT INTO billing_unapplied_payments (payment_id, bill_id, account_no, kind, reason, amount, currency, event_id, occurred_at, resolved_at, resolution)
     SELECT payment_id, bill_id, account_no, kind, reason, amount, currency, event_id, occurred_at, resolved_at, resolution
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::text[], $8::uuid[], $9::timestamptz[], $10::timestamptz[], $11::text[])
       WITH ORDINALITY AS t(payment_id, bill_id, account_no, kind, reason, amount, currency, event_id, occurred_at, resolved_at, resolution, n)
     ORDER BY n
     ON CONFLICT DO NOTHING`,
    [
      rows.map((r) => r.paymentId),
      rows.map((r) => r.billId),
      rows.map((r) => r.accountNo),
      rows.map((r) => r.kind),
      rows.map((r) => r.reason),
      rows.map((r) => r.amount.amount),
      rows.map((r) => r.amount.currency),
      rows.map((r) => r.eventId),
      rows.map((r) => r.occurredAt),
      rows.map((r) => r.resolved?.at ?? null),
      rows.map((r) => r.resolved?.resolution ?? null),
    ],
  );
  if (result.rowCount !== rows.length) {
    throw new Error(`billing_unapplied_payments: ${rows.length - (result.rowCount ?? 0)} rows were written by another transaction meanwhile; the batch is retried`);
  }
}

/** Resolves stored unapplied rows (by id) that are still open. */
export async function resolveUnapplied(db: Queryable, resolved: readonly (Resolution & { id: string })[]): Promise<void> {
  if (resolved.length === 0) return;
  await db.query(
    `UPDATE billing_unapplied_payments u SET resolved_at = t.at, resolution = t.resolution
     FROM unnest($1::bigint[], $2::timestamptz[], $3::text[]) AS t(id, at, resolution)
     WHERE u.id = t.id AND u.resolved_at IS NULL`,
    [resolved.map((r) => r.id), resolved.map((r) => r.at), resolved.map((r) => r.resolution)],
  );
}
