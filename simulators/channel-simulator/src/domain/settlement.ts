// The channel's daily statement: every debit that moved money that day and every reversal that gave
// it back, each on its own row, so reconciliation can match both movements to the gateway's ledger.
import { localTimeToInstant, settlementDateOf as cutOffDateOf } from '@gateway/contracts';
import type { Debit } from './debit.ts';

export const SETTLEMENT_COLUMNS = ['txnId', 'reference', 'debitId', 'payer', 'amount', 'currency', 'status', 'debitedAt'] as const;

export interface SettlementRow {
  readonly txnId: string;
  readonly reference: string;
  readonly debitId: string;
  readonly payer: string;
  readonly amount: number;
  readonly currency: string;
  /** `succeeded` for the debit; `reversed` for the credit back (amount stays positive; the status is the sign). */
  readonly status: 'succeeded' | 'reversed';
  readonly debitedAt: string;
  /** When the row happened (the debit or the reversal): its order in the file. */
  readonly at: string;
}

/** When a channel's settlement day closes: its local cut-off (HH:MM) in its time zone. */
export interface SettlementDay {
  readonly cutOff: string;
  readonly timeZone: string;
}

/**
 * The file a movement at `instant` is in: its local date, or the next day's from the cut-off on, as a
 * real bank's statement follows its cut-off (and the gateway dates its payments by the same cut-off).
 */
export function settlementDateOf(instant: string | Date, day: SettlementDay): string {
  return cutOffDateOf(instant, day.cutOff, day.timeZone);
}

export function isCalendarDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}

export function settlementRows(debits: Iterable<Debit>, date: string, day: SettlementDay): SettlementRow[] {
  const rows: SettlementRow[] = [];
  for (const debit of debits) {
    if (debit.status !== 'succeeded' || debit.txnId === undefined || debit.debitedAt === undefined) continue;
    const base = {
      txnId: debit.txnId,
      reference: debit.reference,
      debitId: debit.debitId,
      payer: debit.payer,
      amount: debit.amount.amount as number,
      currency: debit.amount.currency,
      debitedAt: debit.debitedAt,
    };
    if (settlementDateOf(debit.debitedAt, day) === date) rows.push({ ...base, status: 'succeeded', at: debit.debitedAt });
    if (debit.reversedAt !== undefined && settlementDateOf(debit.reversedAt, day) === date) {
      rows.push({ ...base, status: 'reversed', at: debit.reversedAt });
    }
  }
  return rows.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
}

/**
 * The statement as the faults misstate it (POST /control: settlementOmit, settlementAmounts,
 * settlementExtraRows), for any day served while they are on: rows left out, amounts changed, rows
 * added at the end of the day. What the channel really did (its debits, GET /transactions) is unchanged.
 */
export function misstateSettlement(
  rows: readonly SettlementRow[],
  faults: { settlementOmit: readonly string[]; settlementAmounts: Readonly<Record<string, number>>; settlementExtraRows: readonly { reference: string; amount: number; status: 'succeeded' | 'reversed' }[] },
  date: string,
  currency: string,
  day: SettlementDay,
): SettlementRow[] {
  const omitted = new Set(faults.settlementOmit);
  const amounts = new Map(Object.entries(faults.settlementAmounts));
  const kept = rows.filter((row) => !omitted.has(row.reference)).map((row) => ({ ...row, amount: amounts.get(row.reference) ?? row.amount }));
  // The last second before the day's cut-off, so an added row is dated inside the day it is listed in.
  const endOfDay = new Date(localTimeToInstant(date, day.cutOff, day.timeZone).getTime() - 1000).toISOString();
  const added = faults.settlementExtraRows.map(
    (extra, index): SettlementRow => ({
      txnId: `X-${date}-${index + 1}`,
      reference: extra.reference,
      debitId: `x-${date}-${index + 1}`,
      payer: '',
      amount: extra.amount,
      currency,
      status: extra.status,
      debitedAt: endOfDay,
      at: endOfDay,
    }),
  );
  return [...kept, ...added];
}
