// Reading a channel's settlement statement (CSV) into what channel.settlement-file-fetched announces:
// the number of data rows and the totals per (currency, status). Parsed with a CSV library, not by
// splitting lines: a quoted reference or description may hold a comma, a quote or a line break.
import { currencyCodeSchema, minorUnitsSchema } from '@gateway/contracts';
import type { CurrencyCode, Money } from '@gateway/contracts';
import { parse } from 'csv-parse/sync';

export type SettlementTotal = { currency: CurrencyCode; status: string; count: number; amount: Money };
export type SettlementSummary = { rowCount: number; totals: SettlementTotal[] };

export class SettlementStatementError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SettlementStatementError';
  }
}

const requiredColumns = ['amount', 'currency', 'status'] as const;

/** Row count and totals of a statement; throws SettlementStatementError when it cannot be read. */
export function summarizeStatement(csv: string): SettlementSummary {
  let rows: Record<string, string>[];
  try {
    rows = parse<Record<string, string>>(csv, { columns: true, bom: true, skip_empty_lines: true });
  } catch (error) {
    throw new SettlementStatementError(`not a readable CSV: ${(error as Error).message}`);
  }
  // Amounts are summed as BigInt so a long day cannot lose precision before the safe-integer check.
  const groups = new Map<string, { currency: CurrencyCode; status: string; count: number; sum: bigint }>();
  rows.forEach((row, index) => {
    const line = index + 2; // the header is line 1
    for (const column of requiredColumns) {
      if (typeof row[column] !== 'string') throw new SettlementStatementError(`row ${line}: no ${column} column`);
    }
    const amount = row['amount']!.trim();
    if (!/^-?\d+$/.test(amount)) throw new SettlementStatementError(`row ${line}: amount is not an integer number of minor units`);
    const currency = currencyCodeSchema.safeParse(row['currency']!.trim());
    if (!currency.success) throw new SettlementStatementError(`row ${line}: ${currency.error.issues[0]?.message ?? 'bad currency'}`);
    const status = row['status']!.trim();
    if (status.length === 0 || status.length > 32) throw new SettlementStatementError(`row ${line}: status must be 1–32 characters`);
    const key = `${currency.data}\u0000${status}`;
    const group = groups.get(key) ?? { currency: currency.data, status, count: 0, sum: 0n };
    group.count += 1;
    group.sum += BigInt(amount);
    groups.set(key, group);
  });
  const totals = [...groups.values()]
    .sort((a, b) => (a.currency === b.currency ? (a.status < b.status ? -1 : a.status > b.status ? 1 : 0) : a.currency < b.currency ? -1 : 1))
    .map((g): SettlementTotal => {
      const sum = Number(g.sum);
      if (!Number.isSafeInteger(sum) || BigInt(sum) !== g.sum) throw new SettlementStatementError(`the ${g.currency} ${g.status} total exceeds a safe integer`);
      return { currency: g.currency, status: g.status, count: g.count, amount: { amount: minorUnitsSchema.parse(sum), currency: g.currency } };
    });
  return { rowCount: rows.length, totals };
}

/**
 * Whether the statement has a row for our reference; null when it cannot say (no `reference`
 * column, or not a readable CSV): absence is proven only by a statement that lists references.
 */
export function statementMentions(csv: string, reference: string): boolean | null {
  let columns: string[] = [];
  let rows: Record<string, string>[];
  try {
    // The header comes through the columns callback, so a statement with no rows still shows its columns.
    rows = parse<Record<string, string>>(csv, {
      columns: (header: string[]) => (columns = header.map((c) => c.trim())),
      bom: true,
      skip_empty_lines: true,
    });
  } catch {
    return null;
  }
  if (!columns.includes('reference')) return null;
  return rows.some((row) => row['reference']?.trim() === reference);
}
