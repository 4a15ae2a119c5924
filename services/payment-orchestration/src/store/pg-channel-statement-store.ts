// A channel's statement for one business day, as Postgres holds it: the channel's payments and
// reversals of that day (flows/build-channel-statement.flow.ts totals them).
import type { Queryable } from '@gateway/kit';
import type { PaymentsColumns } from './pg-payment-store.ts';

export type StatementPaymentRow = Pick<
  PaymentsColumns,
  'payment_id' | 'receipt_no' | 'channel_txn_id' | 'biller_id' | 'account_no' | 'amount' | 'fee' | 'currency' | 'paid_at' | 'status'
>;

export type StatementReversalRow = { reversal_id: string; payment_id: string; channel_txn_id: string; amount: string; fee: string; currency: string; reversed_at: Date };

export async function channelDayRows(
  db: Queryable,
  input: { channelId: string; businessDate: string },
): Promise<{ payments: StatementPaymentRow[]; reversals: StatementReversalRow[] }> {
  const [payments, reversals] = await Promise.all([
    db.query<StatementPaymentRow>(
      `SELECT payment_id, receipt_no, channel_txn_id, biller_id, account_no, amount, fee, currency, paid_at, status
       FROM payments WHERE channel_id = $1 AND business_date = $2 ORDER BY receipt_no`,
      [input.channelId, input.businessDate],
    ),
    db.query<StatementReversalRow>(
      `SELECT r.reversal_id, r.payment_id, p.channel_txn_id, r.amount, r.fee, r.currency, r.reversed_at
       FROM reversals r JOIN payments p ON p.payment_id = r.payment_id
       WHERE r.channel_id = $1 AND r.business_date = $2 ORDER BY r.reversed_at, r.reversal_id`,
      [input.channelId, input.businessDate],
    ),
  ]);
  return { payments: payments.rows, reversals: reversals.rows };
}
