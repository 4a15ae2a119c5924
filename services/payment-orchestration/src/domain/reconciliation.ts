// Matching a channel's settlement file against our ledger for one business day (pure). A row is one
// movement of money: a debit (`succeeded`) or its reversal (`reversed`), named by the reference we
// gave the channel (the intent id). Rows are paired by reference and status; what is left on either
// side, or paired with another amount, is an exception carrying both sides' evidence.
import { addDays, businessDateOf, localTimeToInstant } from '@gateway/contracts';
import { parse } from 'csv-parse/sync';

export type ExceptionKind = 'missing_at_channel' | 'missing_here' | 'amount_mismatch' | 'status_mismatch';

/** One side's row: the fields the match uses, and `evidence` (what it says about itself) kept as is. */
export type SettlementLine = { reference: string; status: string; amount: number; currency: string; evidence: Record<string, unknown> };

export type MatchException = { kind: ExceptionKind; reference: string; ours: SettlementLine['evidence'] | null; theirs: SettlementLine['evidence'] | null };

export type DayMatch = {
  status: 'matched' | 'exceptions';
  ours: { count: number; amount: number };
  theirs: { count: number; amount: number };
  exceptions: MatchException[];
};

export class StatementRowsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StatementRowsError';
  }
}

const requiredColumns = ['reference', 'amount', 'currency', 'status'] as const;

/**
 * The file's rows, parsed with a CSV library (a quoted reference may hold a comma or a line break).
 * Throws StatementRowsError when a row cannot be matched: the adapter already refused unreadable files,
 * so this is a file without a `reference` column, which cannot be reconciled by reference at all.
 */
export function statementLines(csv: string): SettlementLine[] {
  const rows = parse<Record<string, string>>(csv, { columns: (header: string[]) => header.map((c) => c.trim()), bom: true, skip_empty_lines: true });
  return rows.map((row, index) => {
    for (const column of requiredColumns) {
      if (typeof row[column] !== 'string') throw new StatementRowsError(`row ${index + 2}: no ${column} column`);
    }
    const amount = Number(row['amount']!.trim());
    if (!Number.isSafeInteger(amount)) throw new StatementRowsError(`row ${index + 2}: amount is not an integer number of minor units`);
    return { reference: row['reference']!.trim(), status: row['status']!.trim(), amount, currency: row['currency']!.trim(), evidence: { ...row, amount } };
  });
}

function totals(lines: SettlementLine[]): { count: number; amount: number } {
  // A reversal gives the money back: it counts against the day's total.
  return { count: lines.length, amount: lines.reduce((sum, l) => sum + (l.status === 'reversed' ? -l.amount : l.amount), 0) };
}

function byReference(lines: SettlementLine[]): Map<string, SettlementLine[]> {
  const map = new Map<string, SettlementLine[]>();
  for (const line of lines) map.set(line.reference, [...(map.get(line.reference) ?? []), line]);
  return map;
}

export function matchDay(ours: SettlementLine[], theirs: SettlementLine[]): DayMatch {
  const exceptions: MatchException[] = [];
  const oursBy = byReference(ours);
  const theirsBy = byReference(theirs);
  const references = [...new Set([...oursBy.keys(), ...theirsBy.keys()])].sort();
  for (const reference of references) {
    const allMine = oursBy.get(reference) ?? [];
    const allTheirs = theirsBy.get(reference) ?? [];
    const mine = [...allMine];
    const their = [...allTheirs];
    if (their.length === 0) {
      for (const line of mine) exceptions.push({ kind: 'missing_at_channel', reference, ours: line.evidence, theirs: null });
      continue;
    }
    if (mine.length === 0) {
      for (const line of their) exceptions.push({ kind: 'missing_here', reference, ours: null, theirs: line.evidence });
      continue;
    }
    // Pair rows of the same status; the rest of each side are the same money in another state.
    for (let i = mine.length - 1; i >= 0; i -= 1) {
      const line = mine[i]!;
      const j = their.findIndex((t) => t.status === line.status);
      if (j < 0) continue;
      const other = their[j]!;
      if (other.amount !== line.amount || other.currency !== line.currency) exceptions.push({ kind: 'amount_mismatch', reference, ours: line.evidence, theirs: other.evidence });
      mine.splice(i, 1);
      their.splice(j, 1);
    }
    const unpaired = Math.max(mine.length, their.length);
    for (let i = 0; i < unpaired; i += 1) {
      // A side with nothing left shows what it does hold for the reference (its matched row).
      const ours = mine[i] ?? allMine[0]!;
      const theirs = their[i] ?? allTheirs[0]!;
      exceptions.push({ kind: 'status_mismatch', reference, ours: ours.evidence, theirs: theirs.evidence });
    }
  }
  return { status: exceptions.length === 0 ? 'matched' : 'exceptions', ours: totals(ours), theirs: totals(theirs), exceptions };
}

/**
 * When the settlement file of a channel's business date is due: `deadline` (HH:MM) local time on the
 * next calendar day. The bank adapter fetches each file after midnight (its SETTLEMENT_FETCH_AT,
 * retried every few minutes), so a file not matched by then is missing, not late.
 */
export function fileDeadlineOf(businessDate: string, deadline: string, timeZone: string): Date {
  return localTimeToInstant(addDays(businessDate, 1), deadline, timeZone);
}

/** The `days` latest business dates whose file deadline has passed at `now`, latest first. */
export function daysPastFileDeadline(now: Date, deadline: string, timeZone: string, days: number): string[] {
  let latest = addDays(businessDateOf(now, timeZone), -1);
  if (fileDeadlineOf(latest, deadline, timeZone).getTime() > now.getTime()) latest = addDays(latest, -1);
  return Array.from({ length: days }, (_, i) => addDays(latest, -i));
}
