// Plain records of an account and a bill as billing keeps them (the `accounts` and `bills` tables,
// camelCased, money as contracts' Money). The domain works on these; the stores map rows to them.
import type { BillStatus, BusinessDate, HolderClass, Money } from '@gateway/contracts';

export type BillLine = { code: string; description: string; amount: Money };

export type AccountRecord = {
  accountNo: string;
  holderName: string | null;
  holderClass: HolderClass;
  /** E.164 contact mobile for SMS, when the holder has one. */
  msisdn: string | null;
  locale: 'ar' | 'en';
  /** The public entity grouping this line (a ministry, a school), if any. */
  entityId: string | null;
  governorate: string | null;
  billerId: string;
  createdAt: Date;
  updatedAt: Date;
};

/**
 * What a bill is issued with, as the biller's import row states it: a valid import row and the bill
 * stored from it carry these fields alike, so they are declared once.
 */
export type BillTerms = {
  periodFrom: BusinessDate;
  periodTo: BusinessDate;
  issueDate: BusinessDate;
  dueDate: BusinessDate;
  amount: Money;
  lines: BillLine[];
};

export type BillRecord = BillTerms & {
  /** `bil_` + UUID v7. */
  billId: string;
  externalBillId: string;
  accountNo: string;
  billerId: string;
  /** Payments applied so far, net of reversals. */
  paidAmount: Money;
  /** Late fees materialized so far by the daily run. */
  lateFee: Money;
  status: BillStatus;
  essential: boolean;
  /** Monotonic; every stored change bumps it so consumers can drop stale snapshots. */
  revision: number;
  batchId: string | null;
  overdueNotifiedOn: BusinessDate | null;
  /** Set only on a fee order's bill: the instant it stops being payable. */
  expiresAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
};
