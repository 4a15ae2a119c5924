// A public entity's consolidated statement: every line (account) of the entity with its bills of the
// month, each line's sums, and totals that are the sums of the lines. Totals are added up from the
// line sums, never queried separately, so the two cannot disagree (a ministry's treasury reconciles
// the total it pays against the lines it is shown).
import { addMoney, zeroMoney } from '@gateway/contracts';
import type { BillSnapshot, BusinessDate, CurrencyCode, Money } from '@gateway/contracts';
import type { AccountRecord, BillRecord } from './bill-records.ts';
import { toBillSnapshot } from './bill-snapshot.ts';
import type { LateFeePolicy } from './late-fee-policy.ts';

export type StatementAmounts = { amount: Money; lateFees: Money; paid: Money; due: Money };

export type StatementLine<B> = StatementAmounts & { accountNo: string; bills: B[] };

export type EntityStatement<B> = { lines: StatementLine<B>[]; totals: StatementAmounts };

function zeroAmounts(currency: CurrencyCode): StatementAmounts {
  const zero = zeroMoney(currency);
  return { amount: zero, lateFees: zero, paid: zero, due: zero };
}

function add(a: StatementAmounts, b: StatementAmounts): StatementAmounts {
  return { amount: addMoney(a.amount, b.amount), lateFees: addMoney(a.lateFees, b.lateFees), paid: addMoney(a.paid, b.paid), due: addMoney(a.due, b.due) };
}

/** The first and the day after the last day of a `YYYY-MM` month, as business dates. */
export function monthRange(period: string): { from: BusinessDate; to: BusinessDate } {
  const match = /^(\d{4})-(\d{2})$/.exec(period);
  if (!match) throw new RangeError(`not a month: ${period}`);
  const year = Number(match[1]);
  const month = Number(match[2]);
  const next = month === 12 ? `${String(year + 1).padStart(4, '0')}-01` : `${match[1]}-${String(month + 1).padStart(2, '0')}`;
  return { from: `${period}-01`, to: `${next}-01` };
}

/**
 * The one currency a statement can be added up in: its bills' currency, or `fallback` when it has
 * none. Totals are one Money per figure, so bills in more than one currency (a line billed in
 * another currency, or imported before the biller's currency was configured) have no statement;
 * the caller is told which currencies met instead of getting sums of unlike amounts.
 */
export function statementCurrency(
  bills: readonly BillRecord[],
  fallback: CurrencyCode,
): { ok: true; currency: CurrencyCode } | { ok: false; currencies: CurrencyCode[] } {
  const currencies = [...new Set(bills.map((b) => b.amount.currency))].sort();
  if (currencies.length > 1) return { ok: false, currencies };
  return { ok: true, currency: currencies[0] ?? fallback };
}

/**
 * Builds the statement as of `at`. Every account of the entity is a line, including lines with no
 * bill that month (a treasury checks that no line is missing). `view` turns each bill's snapshot
 * into what the caller shows; amounts come from the snapshot, so "due" is the same figure a
 * channel would be quoted.
 */
export function buildEntityStatement<B>(
  accounts: readonly AccountRecord[],
  bills: readonly BillRecord[],
  policy: LateFeePolicy,
  at: Date,
  currency: CurrencyCode,
  view: (bill: BillRecord, snapshot: BillSnapshot) => B,
): EntityStatement<B> {
  const billsByAccount = new Map<string, BillRecord[]>();
  for (const bill of bills) {
    const list = billsByAccount.get(bill.accountNo);
    if (list === undefined) billsByAccount.set(bill.accountNo, [bill]);
    else list.push(bill);
  }
  const lines = accounts.map((account): StatementLine<B> => {
    let sums = zeroAmounts(currency);
    const views: B[] = [];
    for (const bill of billsByAccount.get(account.accountNo) ?? []) {
      const snapshot = toBillSnapshot(bill, account, policy, at);
      sums = add(sums, { amount: snapshot.amount, lateFees: snapshot.lateFee, paid: snapshot.paidAmount, due: snapshot.amountDue });
      views.push(view(bill, snapshot));
    }
    return { accountNo: account.accountNo, bills: views, ...sums };
  });
  const totals = lines.reduce((sum, line) => add(sum, line), zeroAmounts(currency));
  return { lines, totals };
}
