// The adoption screen's figures, added up by Postgres: a national cycle is ~10^5 bills, so no bill
// row leaves the database; what comes back is one row per (breakdown, key, currency) group, a few
// dozen in all. domain/adoption.ts turns them into the answer.
import type { Queryable } from '@gateway/kit';
import { payableStatuses } from '../domain/bill-state.ts';
import type { ChannelMoney, CycleRange, EntityBalance, FigureRow } from '../domain/adoption.ts';

// The cycle's bills: issued in the month, not canceled or reversed by the biller. A government fee
// order's bill (expires_at set) is no bill of a billing cycle: it would count as an e-bill issued.
const inCycle = `b.issue_date >= $1::date AND b.issue_date < $2::date AND b.status NOT IN ('canceled', 'reversed') AND b.expires_at IS NULL`;

// The payments still standing on the cycle's bills: applied money, no reversal row for the pair. An
// anti-join by LEFT JOIN lets the planner hash the (few) reversal rows instead of probing the key
// once per payment.
const livePayments = `
  FROM bills b
  JOIN bill_payments p ON p.bill_id = b.bill_id AND p.kind = 'payment' AND p.applied_amount > 0
  LEFT JOIN bill_payments r ON r.payment_id = p.payment_id AND r.bill_id = p.bill_id AND r.kind = 'reversal'
  WHERE ${inCycle} AND r.payment_id IS NULL`;

/**
 * Session settings for the aggregates, inside the caller's transaction only. JIT compiling cost more
 * than it saved on a cycle this size (bench/adoption.ts: over a second of a five-second answer), and
 * the sorts of 10^5 rows spilled to disk at the default work_mem.
 */
export async function tuneForAggregates(db: Queryable): Promise<void> {
  await db.query("SELECT set_config('jit', 'off', true), set_config('work_mem', '32MB', true)");
}

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
    // A paid bill's day and channel are those of the payment that completed it: the latest standing.
    `WITH settling AS (
       SELECT DISTINCT ON (p.bill_id) p.bill_id, p.channel_id, (p.occurred_at AT TIME ZONE 'Asia/Damascus')::date AS paid_on
       ${livePayments} AND b.status = 'paid'
       ORDER BY p.bill_id, p.occurred_at DESC, p.payment_id DESC
     )
     SELECT CASE GROUPING(a.governorate, a.holder_class, s.channel_id, b.issue_date, s.paid_on)
              WHEN 31 THEN 'total' WHEN 15 THEN 'governorate' WHEN 23 THEN 'holder_class' WHEN 27 THEN 'channel'
              WHEN 29 THEN 'issued_on' ELSE 'paid_on' END AS dim,
            COALESCE(a.governorate, a.holder_class, s.channel_id, b.issue_date::text, s.paid_on::text) AS key,
            b.currency,
            count(*)::int AS issued,
            count(s.bill_id)::int AS paid,
            sum(b.amount)::text AS amount_issued,
            sum(b.paid_amount)::text AS amount_paid
     FROM bills b JOIN accounts a ON a.account_no = b.account_no LEFT JOIN settling s ON s.bill_id = b.bill_id
     WHERE ${inCycle}
     GROUP BY GROUPING SETS ((b.currency), (b.currency, a.governorate), (b.currency, a.holder_class),
                             (b.currency, s.channel_id), (b.currency, b.issue_date), (b.currency, s.paid_on))
     ORDER BY dim, key, b.currency`,
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
    `SELECT p.channel_id, p.currency, sum(p.applied_amount)::text AS paid ${livePayments} GROUP BY p.channel_id, p.currency`,
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
