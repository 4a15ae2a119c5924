// The rules of a bill import, row by row, as plain functions: what makes a row acceptable, what an
// unknown account needs, and what a row whose externalBillId is already stored means. The import
// (flows/import-bill-batch.flow.ts) feeds rows through these in chunks; nothing here knows about Postgres.
import { billBatchRowSchema, isStorableDate, isStorableText, unstorableTextMessage, unstorableTextPath } from '@gateway/contracts';
import type { BusinessDate, CurrencyCode, HolderClass, Money } from '@gateway/contracts';
import type { AccountRecord, BillTerms } from './bill-records.ts';
import { parseLandline, parseMobile } from './landline.ts';

export type ImportedHolder = {
  name: string;
  holderClass: HolderClass;
  /** E.164. */
  msisdn: string;
  entityId: string | null;
  locale: 'ar' | 'en';
};

/** A row that passed every check that needs no database. */
export type ValidBillRow = BillTerms & {
  index: number;
  externalBillId: string;
  /** Normalised national form of the landline. */
  accountNo: string;
  governorate: string | null;
  billerId: string | null;
  holder: ImportedHolder | null;
};

export type BillRowRejection = {
  index: number;
  externalBillId: string | null;
  reason: string;
  /** Field paths that failed, for validation failures. */
  fields?: string[];
};

export type RowCheck = { ok: true; row: ValidBillRow } | { ok: false; rejection: BillRowRejection };

/**
 * How big one bill may be. Every accepted bill leaves as one bill.issued message carrying its lines;
 * a bill Kafka refuses (1 MiB per message by default) would be parked in the outbox and never reach
 * the channels although the import said it was accepted, so a bill that could not travel is rejected
 * here, with its reason, instead.
 */
export type ImportLimits = {
  /** Line items per bill. */
  maxLines: number;
  /** The row as JSON, in UTF-8 bytes; the bill.issued event is this plus an envelope of under 2 KiB. */
  maxBillBytes: number;
};

// 256 KiB leaves bill.issued a quarter of Kafka's default 1 MiB message size (and room for the
// envelope and the other bill.* snapshots); 1,000 lines is far beyond any telecom bill's items.
export const defaultImportLimits: ImportLimits = { maxLines: 1_000, maxBillBytes: 262_144 };

export type ImportRules = {
  /** When set, the only currency bills may be issued in (the biller's currency). */
  currency?: CurrencyCode | undefined;
  limits?: ImportLimits | undefined;
};

function externalIdOf(raw: unknown): string | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const value = (raw as { externalBillId?: unknown }).externalBillId;
  // An id that cannot be stored is not echoed: the rejection is kept with the batch, and the index
  // still says which row it was.
  return typeof value === 'string' && value.trim() !== '' && isStorableText(value) ? value.trim() : null;
}

function reject(index: number, raw: unknown, reason: string, fields?: string[]): RowCheck {
  const rejection: BillRowRejection = { index, externalBillId: externalIdOf(raw), reason };
  if (fields !== undefined) rejection.fields = fields;
  return { ok: false, rejection };
}

/** Checks one raw row of a batch (shape, dates, money, phone numbers) and normalises it. */
export function checkBillRow(raw: unknown, index: number, rules: ImportRules = {}): RowCheck {
  const parsed = billBatchRowSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => ({ field: issue.path.map(String).join('.') || '(row)', message: issue.message }));
    return reject(index, raw, issues.map((i) => `${i.field}: ${i.message}`).join('; '), [...new Set(issues.map((i) => i.field))]);
  }
  const row = parsed.data;
  const limits = rules.limits ?? defaultImportLimits;
  const lineCount = row.lines?.length ?? 0;
  if (lineCount > limits.maxLines) {
    return reject(index, raw, `lines: ${lineCount} line items, more than the ${limits.maxLines} a bill may have`, ['lines']);
  }
  const bytes = Buffer.byteLength(JSON.stringify(row));
  if (bytes > limits.maxBillBytes) {
    return reject(index, raw, `(row): the bill is ${bytes} bytes as JSON, more than the ${limits.maxBillBytes} a bill may be (its bill.issued event must fit a Kafka message)`, ['(row)']);
  }
  // The parsed row, not the raw one: unknown keys are gone and only what is stored is checked.
  const badText = unstorableTextPath(row);
  if (badText !== undefined) return reject(index, raw, `${badText}: ${unstorableTextMessage}`, [badText]);
  const dates: [string, string][] = [
    ['period.from', row.period.from],
    ['period.to', row.period.to],
    ['issueDate', row.issueDate],
    ['dueDate', row.dueDate],
  ];
  const badDates = dates.filter(([, date]) => !isStorableDate(date)).map(([field]) => field);
  if (badDates.length > 0) return reject(index, raw, badDates.map((f) => `${f}: year 0000 is not a date billing can store`).join('; '), badDates);

  const landline = parseLandline(row.accountNo);
  if (!landline.ok) return reject(index, raw, landline.reason, ['accountNo']);

  const currency = row.amount.currency;
  if (rules.currency !== undefined && currency !== rules.currency) {
    return reject(index, raw, `amount.currency: bills are issued in ${rules.currency}, not ${currency}`, ['amount.currency']);
  }
  const lines = row.lines ?? [];
  if (lines.some((line) => line.amount.currency !== currency)) {
    return reject(index, raw, `lines: every line must be in the bill's currency ${currency}`, ['lines']);
  }
  // A bill whose items do not add up to its total is a defect in the export; storing it would show
  // the subscriber one figure in the SMS and another on the itemised bill.
  if (lines.length > 0) {
    const sum = lines.reduce((s, line) => s + BigInt(line.amount.amount), 0n);
    if (sum !== BigInt(row.amount.amount)) {
      return reject(index, raw, `lines: the line amounts add up to ${sum}, not to the bill amount ${row.amount.amount}`, ['lines']);
    }
  }

  let holder: ImportedHolder | null = null;
  if (row.holder !== undefined) {
    const mobile = parseMobile(row.holder.msisdn);
    if (!mobile.ok) return reject(index, raw, `holder.${mobile.reason}`, ['holder.msisdn']);
    const entityId = row.holder.entityId ?? null;
    if (entityId !== null && row.holder.class !== 'public_entity') {
      return reject(index, raw, `holder.entityId: only a public_entity holder belongs to an entity (class is ${row.holder.class})`, ['holder.entityId']);
    }
    holder = { name: row.holder.name, holderClass: row.holder.class, msisdn: mobile.value, entityId, locale: row.holder.locale ?? 'ar' };
  }

  return {
    ok: true,
    row: {
      index,
      externalBillId: row.externalBillId,
      accountNo: landline.value.accountNo,
      governorate: landline.value.governorate,
      billerId: row.billerId ?? null,
      periodFrom: row.period.from,
      periodTo: row.period.to,
      issueDate: row.issueDate,
      dueDate: row.dueDate,
      amount: row.amount,
      lines,
      holder,
    },
  };
}

/** An account to create for a row whose account is unknown, or why the row is refused. */
export type AccountPlan =
  | { kind: 'existing'; account: AccountRecord }
  | { kind: 'create'; holder: ImportedHolder }
  | { kind: 'refuse'; reason: string };

// Holder data on a row only ever creates an account. An existing account is not rewritten from a
// batch: re-importing a cycle must change nothing, and a holder change has its own path.
export function planAccount(row: ValidBillRow, existing: AccountRecord | undefined): AccountPlan {
  if (existing !== undefined) return { kind: 'existing', account: existing };
  if (row.holder === null) {
    return { kind: 'refuse', reason: `account ${row.accountNo} is unknown and the row carries no holder data to create it` };
  }
  return { kind: 'create', holder: row.holder };
}

/** What is stored under an externalBillId that a row tried to insert again. */
export type StoredBillKey = {
  billId: string;
  accountNo: string;
  batchId: string | null;
  batchRow: number | null;
  periodFrom: BusinessDate;
  periodTo: BusinessDate;
  issueDate: BusinessDate;
  dueDate: BusinessDate;
  amount: Money;
};

export type DuplicateOutcome =
  /** This very row, stored by an earlier (interrupted or concurrent) run of the same batch. */
  | { kind: 'resumed'; billId: string }
  /** The same bill, imported before by another batch: accepted again, nothing stored twice. */
  | { kind: 'accepted_earlier'; billId: string }
  | { kind: 'rejected'; reason: string };

function sameBill(stored: StoredBillKey, row: ValidBillRow): boolean {
  return (
    stored.accountNo === row.accountNo &&
    stored.amount.amount === row.amount.amount &&
    stored.amount.currency === row.amount.currency &&
    stored.periodFrom === row.periodFrom &&
    stored.periodTo === row.periodTo &&
    stored.issueDate === row.issueDate &&
    stored.dueDate === row.dueDate
  );
}

// The telecom's billing system re-sends bills (a retried upload, a cycle split differently into
// batches). A repeat must get the original success and never a second bill (docs/design.md), but a
// different bill under a known id is a conflict the sender has to look at, not something to merge.
export function classifyDuplicate(stored: StoredBillKey, row: ValidBillRow, batchId: string): DuplicateOutcome {
  const same = sameBill(stored, row);
  if (stored.batchId === batchId && stored.batchRow === row.index) {
    return same
      ? { kind: 'resumed', billId: stored.billId }
      : { kind: 'rejected', reason: `row ${row.index} of batch ${batchId} was imported before with different data` };
  }
  if (stored.batchId === batchId) {
    return { kind: 'rejected', reason: `duplicate externalBillId ${row.externalBillId} within the batch (first at index ${stored.batchRow ?? '?'})` };
  }
  if (!same) {
    return {
      kind: 'rejected',
      reason: `externalBillId ${row.externalBillId} was already imported${stored.batchId === null ? '' : ` in batch ${stored.batchId}`} with different data`,
    };
  }
  return { kind: 'accepted_earlier', billId: stored.billId };
}
