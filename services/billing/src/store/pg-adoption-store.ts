// The adoption screen's figures, added up by Postgres: a national cycle is ~10^5 bills, so no bill
// row leaves the database; what comes back is one row per (breakdown, key, currency) group, a few
// dozen in all. domain/adoption.ts turns them into the answer.
import type { Queryable } from '@gateway/kit';
import { payableStatuses } from '../domain/bill-state.ts';
import type { ChannelMoney, CycleRange, EntityBalance, FigureRow } from '../domain/adoption.ts';

// The cycle's bills (issued in the month, not canceled or reversed by the biller) with their holder,
// and for each bill paid now the payment that completed it: the latest payment still standing on it
// (applied money, no reversal row). Its Damascus day and channel are the bill's "paid on" and "paid via".
const cycleBills = `
  cycle_bills AS (
    SELECT b.bill_id, b.amount, b.paid_amount, b.currency, b.status, b.issue_date, a.governorate, a.holder_class
    FROM bills b JOIN accounts a ON a.account_no = b.account_no
    WHERE b.issue_date >= $1::date AND b.issue_date < $2::date AND b.status NOT IN ('canceled', 'reversed')
  ),
  live_payments AS (
    SELECT p.bill_id, p.payment_id, p.channel_id, p.currency, p.applied_amount, p.occurred_at
    FROM cycle_bills c
    JOIN bill_payments p ON p.bill_id = c.bill_id AND p.kind = 'payment' AND p.applied_amount > 0
    WHERE NOT EXISTS (
      SELECT 1 FROM bill_payments r WHERE r.payment_id = p.payment_id AND r.bill_id = p.bill_id AND r.kind = 'reversal'
    )
  )`;

type FigureSqlRow = {
  dim: FigureRow['dim'];
  key: string | null;
  currency: string;
  issued: number;
  paid: number;
  amount_issued: string;
  amount_paid: string;
};

/** Bills issued and paid, and their money, for the whole cycle and by each breakdown, per currency. */
export async function cycleFigures(db: Queryable, range: CycleRange): Promise<FigureRow[]> {
  const { rows } = await db.query<FigureSqlRow>(
    `WITH ${cycleBills},
     settling AS (
       SELECT DISTINCT ON (bill_id) l.bill_id, l.channel_id, (l.occurred_at AT TIME ZONE 'Asia/Damascus')::date AS paid_on
       FROM live_payments l JOIN cycle_bills c ON c.bill_id = l.bill_id AND c.status = 'paid'
       ORDER BY l.bill_id, l.occurred_at DESC, l.payment_id DESC
     )
     SELECT CASE GROUPING(c.governorate, c.holder_class, s.channel_id, c.issue_date, s.paid_on)
              WHEN 31 THEN 'total' WHEN 15 THEN 'governorate' WHEN 23 THEN 'holder_class' WHEN 27 THEN 'channel'
              WHEN 29 THEN 'issued_on' ELSE 'paid_on' END AS dim,
            COALESCE(c.governorate, c.holder_class, s.channel_id, c.issue_date::text, s.paid_on::text) AS key,
            c.currency,
            count(*)::int AS issued,
            count(s.bill_id)::int AS paid,
            sum(c.amount)::text AS amount_issued,
            sum(c.paid_amount)::text AS amount_paid
     FROM cycle_bills c LEFT JOIN settling s ON s.bill_id = c.bill_id
     GROUP BY GROUPING SETS ((c.currency), (c.currency, c.governorate), (c.currency, c.holder_class),
                             (c.currency, s.channel_id), (c.currency, c.issue_date), (c.currency, s.paid_on))
     ORDER BY dim, key, c.currency`,
    [range.from, range.until],
  );
  return rows.map((r) => ({
    dim: r.dim,
    key: r.key,
    currency: r.currency,
    issued: r.issued,
    paid: r.paid,
    amountIssued: BigInt(r.amount_issued),
    amountPaid: BigInt(r.amount_paid),
  }));
}

/** The money every payment still standing put on the cycle's bills, by the channel it came through. */
export async function cycleMoneyByChannel(db: Queryable, range: CycleRange): Promise<ChannelMoney[]> {
  const { rows } = await db.query<{ channel_id: string | null; currency: string; paid: string }>(
    `WITH ${cycleBills}
     SELECT channel_id, currency, sum(applied_amount)::text AS paid FROM live_payments GROUP BY channel_id, currency`,
    [range.from, range.until],
  );
  return rows.map((r) => ({ channelId: r.channel_id, currency: r.currency, paid: BigInt(r.paid) }));
}

/** Every public entity with its number of lines and what its payable bills owe now, per currency. */
export async function publicEntityBalances(db: Queryable): Promise<EntityBalance[]> {
  const { rows } = await db.query<{ entity_id: string; name: string; lines: number; currency: string | null; outstanding: string | null }>(
    `SELECT e.entity_id, e.name,
            (SELECT count(*)::int FROM accounts a WHERE a.entity_id = e.entity_id) AS lines,
            o.currency, o.outstanding
     FROM entities e
     LEFT JOIN LATERAL (
       SELECT b.currency, sum(b.amount + b.late_fee - b.paid_amount)::text AS outstanding
       FROM accounts a JOIN bills b ON b.account_no = a.account_no
       WHERE a.entity_id = e.entity_id AND b.status = ANY($1::text[])
       GROUP BY b.currency
     ) o ON true
     ORDER BY e.entity_id, o.currency`,
    [payableStatuses],
  );
  return rows.map((r) => ({
    entityId: r.entity_id,
    name: r.name,
    lines: r.lines,
    outstanding: r.currency === null || r.outstanding === null ? null : { currency: r.currency, amount: BigInt(r.outstanding) },
  }));
}
