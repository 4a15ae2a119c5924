// The channel's daily statement: every debit that moved money that day and every reversal that gave
// it back, each on its own row, so reconciliation can match both movements to the gateway's ledger.
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

/** The YYYY-MM-DD of an instant in the channel's time zone. */
export function businessDateOf(instant: string | Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(new Date(instant));
  const get = (type: string): string => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

export function isCalendarDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}

export function settlementRows(debits: Iterable<Debit>, date: string, timeZone: string): SettlementRow[] {
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
    if (businessDateOf(debit.debitedAt, timeZone) === date) rows.push({ ...base, status: 'succeeded', at: debit.debitedAt });
    if (debit.reversedAt !== undefined && businessDateOf(debit.reversedAt, timeZone) === date) {
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
): SettlementRow[] {
  const omitted = new Set(faults.settlementOmit);
  const amounts = new Map(Object.entries(faults.settlementAmounts));
  const kept = rows.filter((row) => !omitted.has(row.reference)).map((row) => ({ ...row, amount: amounts.get(row.reference) ?? row.amount }));
  const endOfDay = `${date}T20:59:59.000Z`;
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
