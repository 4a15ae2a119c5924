// A channel's statement for one business day: its payments, its reversals, and totals per currency
// (amounts of different currencies are never added together). `closed` once the channel's cut-off
// (Asia/Damascus, per channel in channels.json) has passed: from then on it is final.
import { money } from '@gateway/contracts';
import type { SettlementResponse } from '@gateway/contracts';
import type { Queryable } from '@gateway/kit';
import { cutOffInstant } from '../domain/business-day.ts';
import { cutOffOf } from '../domain/catalogues.ts';
import type { ChannelCatalogue } from '../domain/catalogues.ts';
import { channelDayRows } from '../store/pg-channel-statement-store.ts';

type Totals = { paymentsCount: number; paymentsAmount: number; reversalsCount: number; reversalsAmount: number; fees: number };

export async function buildChannelStatement(
  db: Queryable,
  input: { channelId: string; businessDate: string },
  deps: { channels: ChannelCatalogue; now: Date },
): Promise<SettlementResponse> {
  const cutOffAt = cutOffInstant(input.businessDate, cutOffOf(deps.channels, input.channelId), deps.channels.timezone);
  const { payments, reversals } = await channelDayRows(db, input);

  const totals = new Map<string, Totals>();
  const totalsOf = (currency: string): Totals => {
    let t = totals.get(currency);
    if (t === undefined) {
      t = { paymentsCount: 0, paymentsAmount: 0, reversalsCount: 0, reversalsAmount: 0, fees: 0 };
      totals.set(currency, t);
    }
    return t;
  };
  for (const p of payments) {
    const t = totalsOf(p.currency);
    t.paymentsCount += 1;
    t.paymentsAmount += Number(p.amount);
    t.fees += Number(p.fee);
  }
  for (const r of reversals) {
    const t = totalsOf(r.currency);
    t.reversalsCount += 1;
    t.reversalsAmount += Number(r.amount);
    // A reversed payment's fee is given back with it.
    t.fees -= Number(r.fee);
  }

  return {
    channelId: input.channelId,
    businessDate: input.businessDate,
    cutOffAt: cutOffAt.toISOString(),
    closed: deps.now.getTime() >= cutOffAt.getTime(),
    payments: payments.map((p) => ({
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
    reversals: reversals.map((r) => ({
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
