// A channel's statement for one business day: its payments, its reversals, and totals per currency
// (amounts of different currencies are never added together).
import { money } from '@gateway/contracts';
import type { SettlementResponse } from '@gateway/contracts';
import type { Pool } from 'pg';
import type { PaymentsColumns } from './pg-payment-store.ts';

type Totals = { paymentsCount: number; paymentsAmount: number; reversalsCount: number; reversalsAmount: number; fees: number };

export async function settlementStatement(
  pool: Pool,
  input: { channelId: string; businessDate: string; cutOffAt: Date; now: Date },
): Promise<SettlementResponse> {
  const [payments, reversals] = await Promise.all([
    pool.query<Pick<PaymentsColumns, 'payment_id' | 'receipt_no' | 'channel_txn_id' | 'biller_id' | 'account_no' | 'amount' | 'fee' | 'currency' | 'paid_at' | 'status'>>(
      `SELECT payment_id, receipt_no, channel_txn_id, biller_id, account_no, amount, fee, currency, paid_at, status
       FROM payments WHERE channel_id = $1 AND business_date = $2 ORDER BY receipt_no`,
      [input.channelId, input.businessDate],
    ),
    pool.query<{ reversal_id: string; payment_id: string; channel_txn_id: string; amount: string; fee: string; currency: string; reversed_at: Date }>(
      `SELECT r.reversal_id, r.payment_id, p.channel_txn_id, r.amount, r.fee, r.currency, r.reversed_at
       FROM reversals r JOIN payments p ON p.payment_id = r.payment_id
       WHERE r.channel_id = $1 AND r.business_date = $2 ORDER BY r.reversed_at, r.reversal_id`,
      [input.channelId, input.businessDate],
    ),
  ]);

  const totals = new Map<string, Totals>();
  const totalsOf = (currency: string): Totals => {
    let t = totals.get(currency);
    if (t === undefined) {
      t = { paymentsCount: 0, paymentsAmount: 0, reversalsCount: 0, reversalsAmount: 0, fees: 0 };
      totals.set(currency, t);
    }
    return t;
  };
  for (const p of payments.rows) {
    const t = totalsOf(p.currency);
    t.paymentsCount += 1;
    t.paymentsAmount += Number(p.amount);
    t.fees += Number(p.fee);
  }
  for (const r of reversals.rows) {
    const t = totalsOf(r.currency);
    t.reversalsCount += 1;
    t.reversalsAmount += Number(r.amount);
    // A reversed payment's fee is given back with it.
    t.fees -= Number(r.fee);
  }

  return {
    channelId: input.channelId,
    businessDate: input.businessDate,
    cutOffAt: input.cutOffAt.toISOString(),
    closed: input.now.getTime() >= input.cutOffAt.getTime(),
    payments: payments.rows.map((p) => ({
      paymentId: p.payment_id,
      receiptNo: p.receipt_no,
      channelTxnId: p.channel_txn_id,
      billerId: p.biller_id,
      accountNo: p.account_no,
      amount: money(BigInt(p.amount), p.currency),
      fee: money(BigInt(p.fee), p.currency),
      paidAt: p.paid_at.toISOString(),
      status: p.status,
    })),
    reversals: reversals.rows.map((r) => ({
      reversalId: r.reversal_id,
      paymentId: r.payment_id,
      channelTxnId: r.channel_txn_id,
      amount: money(BigInt(r.amount), r.currency),
      fee: money(BigInt(r.fee), r.currency),
      reversedAt: r.reversed_at.toISOString(),
    })),
    totals: [...totals.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([currency, t]) => ({
        currency: currency as SettlementResponse['totals'][number]['currency'],
        paymentsCount: t.paymentsCount,
        paymentsAmount: money(t.paymentsAmount, currency),
        reversalsCount: t.reversalsCount,
        reversalsAmount: money(t.reversalsAmount, currency),
        fees: money(t.fees, currency),
        net: money(t.paymentsAmount - t.reversalsAmount, currency),
      })),
  };
}
