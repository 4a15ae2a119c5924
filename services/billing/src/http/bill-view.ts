// How a bill is shown on billing's own API (accounts, statements): the stored bill with its amounts
// as of now, taken from the same snapshot the bill.* events carry so both sides show one figure.
import type { BillSnapshot } from '@gateway/contracts';
import type { accountBillSchema } from '@gateway/contracts';
import type { z } from 'zod';
import type { BillRecord } from '../domain/bill-records.ts';

export type AccountBillView = z.output<typeof accountBillSchema>;

export function billView(bill: BillRecord, snapshot: BillSnapshot): AccountBillView {
  return {
    billId: snapshot.billId,
    externalBillId: snapshot.externalBillId,
    period: snapshot.period,
    issueDate: snapshot.issueDate,
    dueDate: snapshot.dueDate,
    amount: snapshot.amount,
    lateFee: snapshot.lateFee,
    paidAmount: snapshot.paidAmount,
    amountDue: snapshot.amountDue,
    status: snapshot.status,
    lines: bill.lines,
  };
}
