// The adoption figures of one billing cycle: how many of the bills issued were paid through the
// gateway, whole and by governorate, holder class, channel and day. Pure: the store adds the bills
// up per group (store/pg-adoption-store.ts); this names the groups, turns counts into shares and
// lays the days out.
//
// A cycle is the bills ISSUED in one month (issue_date, a Damascus business date), not the bills
// whose period starts in it: the current month's period is not billed until it ends, so a
// period-based "current cycle" would be empty all month. "Paid through the gateway" is a bill paid
// in full now (status paid): every payment billing applies comes through the gateway. Its day and
// channel are those of the payment still standing that completed it (the latest).
import { addDays, businessDateOf, holderClasses, money } from '@gateway/contracts';
import type { AdoptionFigures, AdoptionResponse, BusinessDate, HolderClass, Money } from '@gateway/contracts';
import { monthRange } from './entity-statement.ts';

/** The cycle's issue dates: `from` to `to` inclusive; `until` is the day after `to` (the SQL bound). */
export type CycleRange = { cycle: string; from: BusinessDate; to: BusinessDate; until: BusinessDate };

export type FigureRow = {
  dim: 'total' | 'governorate' | 'holder_class' | 'channel' | 'issued_on' | 'paid_on';
  key: string | null;
  currency: string;
  issued: number;
  paid: number;
  amountIssued: bigint;
  amountPaid: bigint;
};

export type ChannelMoney = { channelId: string | null; currency: string; paid: bigint };

export type EntityBalance = { entityId: string; name: string; lines: number; outstanding: { currency: string; amount: bigint } | null };

/** The cycle a moment falls in: its month in Asia/Damascus. */
export function cycleOf(instant: Date): string {
  return businessDateOf(instant).slice(0, 7);
}

export function cycleRange(cycle: string): CycleRange {
  const { from, to: until } = monthRange(cycle);
  return { cycle, from, to: addDays(until, -1), until };
}

/** paid / issued from exact counts; null when nothing was issued (no share to speak of). */
export function shareOf(paid: number, issued: number): number | null {
  return issued === 0 ? null : paid / issued;
}

function moneyList(rows: readonly FigureRow[], pick: (r: FigureRow) => bigint): Money[] {
  return rows.map((r) => money(pick(r), r.currency)).sort((a, b) => a.currency.localeCompare(b.currency));
}

function figures(rows: readonly FigureRow[]): AdoptionFigures {
  const billsIssued = rows.reduce((s, r) => s + r.issued, 0);
  const billsPaidViaGateway = rows.reduce((s, r) => s + r.paid, 0);
  return {
    billsIssued,
    billsPaidViaGateway,
    share: shareOf(billsPaidViaGateway, billsIssued),
    amountIssued: moneyList(rows, (r) => r.amountIssued),
    amountPaidViaGateway: moneyList(rows, (r) => r.amountPaid),
  };
}

/** The rows of one breakdown grouped by key (a key has one row per currency). */
function byKey(rows: readonly FigureRow[], dim: FigureRow['dim']): Map<string | null, FigureRow[]> {
  const groups = new Map<string | null, FigureRow[]>();
  for (const row of rows) {
    if (row.dim !== dim) continue;
    groups.set(row.key, [...(groups.get(row.key) ?? []), row]);
  }
  return groups;
}

function isHolderClass(value: string | null): value is HolderClass {
  return (holderClasses as readonly (string | null)[]).includes(value);
}

function sumCounts(groups: Map<string | null, FigureRow[]>, key: string, pick: (r: FigureRow) => number): number {
  return (groups.get(key) ?? []).reduce((s, r) => s + pick(r), 0);
}

/**
 * The days since the cycle opened, each with the bills issued and paid that day and the running share.
 * It runs to today for the current cycle; a past cycle runs to its month's end, or to the last day one
 * of its bills was paid if later (bills are paid after the month they are issued in).
 */
function daily(rows: readonly FigureRow[], range: CycleRange, today: BusinessDate): AdoptionResponse['daily'] {
  const issued = byKey(rows, 'issued_on');
  const paid = byKey(rows, 'paid_on');
  const lastPaid = [...paid.keys()].filter((k): k is string => k !== null).sort().at(-1);
  let end = lastPaid !== undefined && lastPaid > range.to ? lastPaid : range.to;
  if (end > today) end = today;
  const days: AdoptionResponse['daily'] = [];
  let cumulativeIssued = 0;
  let cumulativePaid = 0;
  for (let date = range.from; date <= end; date = addDays(date, 1)) {
    const issuedToday = sumCounts(issued, date, (r) => r.issued);
    const paidToday = sumCounts(paid, date, (r) => r.paid);
    cumulativeIssued += issuedToday;
    cumulativePaid += paidToday;
    days.push({ date, issued: issuedToday, paid: paidToday, cumulativeIssued, cumulativePaid, cumulativeShare: shareOf(cumulativePaid, cumulativeIssued) });
  }
  return days;
}

export function buildAdoption(
  input: { range: CycleRange; figures: readonly FigureRow[]; channelMoney: readonly ChannelMoney[]; entities: readonly EntityBalance[] },
  now: Date,
): AdoptionResponse {
  const { range } = input;
  const totals = figures(input.figures.filter((r) => r.dim === 'total'));
  const byGovernorate = [...byKey(input.figures, 'governorate')].map(([governorate, rows]) => ({ governorate, ...figures(rows) }));
  const byHolderClass = [...byKey(input.figures, 'holder_class')]
    .filter((entry): entry is [HolderClass, FigureRow[]] => isHolderClass(entry[0]))
    .map(([holderClass, rows]) => ({ holderClass, ...figures(rows) }));

  // A channel is listed when it completed a bill or put money on one; the null channel's bill rows
  // include the unpaid bills, of which only the paid count matters.
  const settledBy = byKey(input.figures, 'channel');
  const channels = new Set<string | null>([...[...settledBy].filter(([, rows]) => rows.some((r) => r.paid > 0)).map(([k]) => k), ...input.channelMoney.map((m) => m.channelId)]);
  const byChannel = [...channels]
    .sort((a, b) => (a ?? '').localeCompare(b ?? ''))
    .map((channelId) => {
      const billsPaidViaGateway = (settledBy.get(channelId) ?? []).reduce((s, r) => s + r.paid, 0);
      const amountPaidViaGateway = input.channelMoney
        .filter((m) => m.channelId === channelId)
        .map((m) => money(m.paid, m.currency))
        .sort((a, b) => a.currency.localeCompare(b.currency));
      return { channelId, billsPaidViaGateway, share: shareOf(billsPaidViaGateway, totals.billsIssued), amountPaidViaGateway };
    });

  const entities = new Map<string, AdoptionResponse['publicEntities'][number]>();
  for (const e of input.entities) {
    const entry = entities.get(e.entityId) ?? { entityId: e.entityId, name: e.name, lines: e.lines, outstanding: [] };
    if (e.outstanding !== null) entry.outstanding.push(money(e.outstanding.amount, e.outstanding.currency));
    entities.set(e.entityId, entry);
  }

  return {
    cycle: range.cycle,
    from: range.from,
    to: range.to,
    asOf: now.toISOString(),
    totals,
    byGovernorate,
    byHolderClass,
    byChannel,
    daily: daily(input.figures, range, businessDateOf(now)),
    publicEntities: [...entities.values()],
  };
}
