// One bill's share of the daily run, in one transaction: the fee rows, the bill's new amounts and the
// outbox events commit together or not at all. UNIQUE (bill_id, step) on late_fees and the primary
// key of bill_overdue_notices make a second instance, or a restarted run, find nothing left to do.
import { createEvent, isPositive, money } from '@gateway/contracts';
import type { BusinessDate } from '@gateway/contracts';
import { enqueueEvent } from '@gateway/kit';
import type { Pool, PoolClient } from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { feesOwedOn } from '../domain/amount-due.ts';
import type { PaymentEntry } from '../domain/amount-due.ts';
import { toBillSnapshot } from '../domain/bill-snapshot.ts';
import { advanceToDate, applyLateFee, isAdministrativelyClosed, outstandingOf } from '../domain/bill-state.ts';
import { addDays } from '@gateway/contracts';
import { classPolicy } from '../domain/late-fee-policy.ts';
import type { LateFeePolicy } from '../domain/late-fee-policy.ts';
import { lockBills, saveBillState } from './pg-bill-state-store.ts';
import { serviceName } from '../service-name.ts';

export const payableStatuses = ['open', 'partially_paid', 'overdue'] as const;

/** The next chunk of bills that may owe something on `businessDate`, after `afterBillId` (keyset paging). */
export async function payableBillsPastDue(pool: Pool, businessDate: BusinessDate, afterBillId: string, limit: number): Promise<string[]> {
  const { rows } = await pool.query<{ bill_id: string }>(
    `SELECT bill_id FROM bills
     WHERE status = ANY($1::text[]) AND due_date < $2::date AND bill_id > $3
     ORDER BY bill_id LIMIT $4`,
    [payableStatuses, businessDate, afterBillId, limit],
  );
  return rows.map((r) => r.bill_id);
}

/** What went to the bill and came back off it, dated, with the fee each waived: the input amountDue's fee bases and waivers need. */
export async function paymentEntriesOf(client: PoolClient, billId: string): Promise<PaymentEntry[]> {
  const { rows } = await client.query<{ kind: 'payment' | 'reversal'; applied_amount: number; applied_waiver: number; currency: string; occurred_at: Date }>(
    `SELECT kind, applied_amount, applied_waiver, currency, occurred_at FROM bill_payments WHERE bill_id = $1 ORDER BY occurred_at`,
    [billId],
  );
  return rows.map((r) => {
    const currency = r.currency.trim();
    return { kind: r.kind, amount: money(r.applied_amount, currency), waivedLateFee: money(r.applied_waiver, currency), occurredAt: r.occurred_at };
  });
}

export type BillRunResult = { feesApplied: number; overdueNotices: number };

export type LateFeeRunContext = { policy: LateFeePolicy; businessDate: BusinessDate; now: Date; correlationId: string };

/**
 * Applies to one bill every fee step owed on the business date that is not applied yet, and sends
 * each overdue notice that is due and not sent yet. Runs inside the caller's transaction.
 */
export async function applyLateFeesToBill(client: PoolClient, billId: string, ctx: LateFeeRunContext): Promise<BillRunResult> {
  const result: BillRunResult = { feesApplied: 0, overdueNotices: 0 };
  const found = (await lockBills(client, [billId])).get(billId);
  // Paid or voided between the chunk query and the lock: nothing is owed.
  if (!found || !(payableStatuses as readonly string[]).includes(found.bill.status)) return result;
  let { bill } = found;
  const { account } = found;
  const rules = classPolicy(ctx.policy, account.holderClass);
  const payments = await paymentEntriesOf(client, billId);
  const owed = feesOwedOn({ amount: bill.amount, dueDate: bill.dueDate, holderClass: account.holderClass }, payments, ctx.policy, ctx.businessDate);

  for (const fee of owed) {
    const feeId = `fee_${uuidv7()}`;
    const policyName = `${ctx.policy.name}/${account.holderClass}/step-${fee.step}`;
    const inserted = await client.query(
      `INSERT INTO late_fees (fee_id, bill_id, step, amount, currency, base_amount, starts_on, policy, business_date, applied_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (bill_id, step) DO NOTHING`,
      [feeId, billId, fee.step, fee.amount.amount, fee.amount.currency, fee.base.amount, fee.startsOn, policyName, ctx.businessDate, ctx.now],
    );
    if (inserted.rowCount !== 1) continue;
    bill = await saveBillState(client, bill, applyLateFee(bill, fee.amount, ctx.businessDate), { cause: 'late_fee', causeId: feeId, at: ctx.now });
    await enqueueEvent(
      client,
      createEvent('bill.late-fee-applied', {
        producer: serviceName,
        key: bill.accountNo,
        correlationId: ctx.correlationId,
        payload: {
          ...toBillSnapshot(bill, account, ctx.policy, ctx.now),
          fee: { feeId, step: fee.step, amount: fee.amount, appliedOn: ctx.businessDate, policy: policyName },
        },
      }),
    );
    result.feesApplied += 1;
  }

  // Past the due date the bill is overdue whether or not a notice goes out.
  const advanced = advanceToDate(bill, ctx.businessDate);
  if (advanced !== bill) bill = await saveBillState(client, bill, advanced, { cause: 'overdue', causeId: null, at: ctx.now });

  if (rules.cutOff && isPositive(outstandingOf(bill)) && !isAdministrativelyClosed(bill.status) && ctx.businessDate > bill.dueDate) {
    const overdueSince = addDays(bill.dueDate, 1);
    const oneWayOn = addDays(bill.dueDate, rules.cutOff.oneWayAfterDays);
    // First the one-way cut is announced; once it has happened, the two-way cut.
    const stages: { stage: 'one_way' | 'two_way'; suspensionDate: BusinessDate }[] = [{ stage: 'one_way', suspensionDate: oneWayOn }];
    if (ctx.businessDate >= oneWayOn) stages.push({ stage: 'two_way', suspensionDate: addDays(bill.dueDate, rules.cutOff.twoWayAfterDays) });
    for (const { stage, suspensionDate } of stages) {
      const inserted = await client.query(
        `INSERT INTO bill_overdue_notices (bill_id, stage, suspension_date, business_date, notified_at)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
        [billId, stage, suspensionDate, ctx.businessDate, ctx.now],
      );
      if (inserted.rowCount !== 1) continue;
      await client.query('UPDATE bills SET overdue_notified_on = $2 WHERE bill_id = $1', [billId, ctx.businessDate]);
      bill = { ...bill, overdueNotifiedOn: ctx.businessDate };
      await enqueueEvent(
        client,
        createEvent('bill.overdue', {
          producer: serviceName,
          key: bill.accountNo,
          correlationId: ctx.correlationId,
          payload: { ...toBillSnapshot(bill, account, ctx.policy, ctx.now), overdueSince, suspensionDate, suspensionKind: stage },
        }),
      );
      result.overdueNotices += 1;
    }
  }
  return result;
}

