// Bill inquiry: what an account owes now, and a quote (inquiryRef) that a payment may rely on until
// it expires, even if a late fee lands in between. Reads the read model only: works while billing is
// down.
import { money } from '@gateway/contracts';
import type { BillInquiryResponse } from '@gateway/contracts';
import type { Queryable } from '@gateway/kit';
import { v7 as uuidv7 } from 'uuid';
import { dueOf, isExpiredOrder } from '../domain/allocation.ts';
import type { QuotedBill, Refusal } from '../domain/allocation.ts';
import { findBiller } from '../domain/catalogues.ts';
import type { BillerCatalogue } from '../domain/catalogues.ts';
import { maskHolderName } from '../domain/holder-name.ts';
import { payableBillFromRow } from '../store/pg-bill-read-model-store.ts';
import { accountBillsForInquiry, insertInquiry } from '../store/pg-inquiry-store.ts';

export type InquiryOutcome = { kind: 'found'; response: BillInquiryResponse } | Refusal;

export async function inquireBills(
  db: Queryable,
  input: { clientId: string; billerId: string; accountNo: string },
  deps: { billers: BillerCatalogue; ttlMs: number; now: Date },
): Promise<InquiryOutcome> {
  const biller = findBiller(deps.billers, input.billerId);
  if (biller.kind === 'refused') return biller;
  const rows = await accountBillsForInquiry(db, input.billerId, input.accountNo);
  if (rows.length === 0) return { kind: 'refused', code: 'account_not_found', message: `No bills are known for account ${input.accountNo} of ${input.billerId}.` };

  const bills = rows.map((row) => ({ row, bill: payableBillFromRow(row) }));
  // An expired fee order is not offered; when it is all the account has, the channel is told why
  // (order_expired) before it debits its customer, rather than shown an empty list.
  const expired = bills.find((x) => isExpiredOrder(x.bill, deps.now));
  const open = bills
    .filter((x) => !isExpiredOrder(x.bill, deps.now))
    .map((x) => ({ ...x, due: x.bill.open ? dueOf(x.bill) : 0 }))
    .filter((x) => x.due > 0);
  if (open.length === 0 && expired !== undefined) {
    return { kind: 'refused', code: 'order_expired', message: `The fee order ${input.accountNo} expired at ${expired.bill.expiresAt ?? ''}; it can no longer be paid.` };
  }
  const quoted: QuotedBill[] = open.map(({ bill }) => ({ billId: bill.billId, total: bill.amount + bill.lateFee, currency: bill.currency }));
  const inquiryRef = `inq_${uuidv7()}`;
  const expiresAt = new Date(deps.now.getTime() + deps.ttlMs);
  await insertInquiry(db, { inquiryRef, clientId: input.clientId, billerId: input.billerId, accountNo: input.accountNo, quoted, createdAt: deps.now, expiresAt });
  const holder = rows[rows.length - 1]?.holder_name ?? null;
  return {
    kind: 'found',
    response: {
      accountNo: input.accountNo,
      holderName: maskHolderName(holder),
      bills: open.map(({ row, bill, due }) => ({
        billId: bill.billId,
        period: { from: row.period_from, to: row.period_to },
        issueDate: row.issue_date,
        dueDate: row.due_date,
        amountDue: money(due, bill.currency),
        lateFee: money(bill.lateFee, bill.currency),
        allowPartial: bill.allowPartial,
        // Billing's range was computed against its own view of what is due; ours is fresher.
        minAmount: money(bill.allowPartial ? Math.min(bill.minAmount, due) : due, bill.currency),
        maxAmount: money(due, bill.currency),
        ...(bill.expiresAt === null ? {} : { expiresAt: bill.expiresAt }),
      })),
      inquiryRef,
      inquiryExpiresAt: expiresAt.toISOString(),
    },
  };
}
