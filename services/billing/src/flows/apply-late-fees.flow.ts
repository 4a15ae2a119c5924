// One bill's share of the daily run, in one transaction: the fee rows, the bill's new amounts and the
// outbox events commit together or not at all. UNIQUE (bill_id, step) on late_fees and the primary
// key of bill_overdue_notices make a second instance, or a restarted run, find nothing left to do.
import { addDays, createEvent, isPositive } from '@gateway/contracts';
import type { BusinessDate } from '@gateway/contracts';
import { enqueueEvent } from '@gateway/kit';
import type { PoolClient } from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { feesOwedOn } from '../domain/amount-due.ts';
import { toBillSnapshot } from '../domain/bill-snapshot.ts';
import { advanceToDate, applyLateFee, isAdministrativelyClosed, outstandingOf, payableStatuses } from '../domain/bill-state.ts';
import { classPolicy } from '../domain/late-fee-policy.ts';
import type { LateFeePolicy } from '../domain/late-fee-policy.ts';
import { serviceName } from '../service-name.ts';
import { lockBills, saveBillState } from '../store/pg-bill-state-store.ts';
import { insertLateFee, insertOverdueNotice, markOverdueNotified, paymentEntriesOf } from '../store/pg-late-fee-store.ts';

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
    const inserted = await insertLateFee(client, { feeId, billId, step: fee.step, amount: fee.amount, base: fee.base, startsOn: fee.startsOn, policy: policyName, businessDate: ctx.businessDate, appliedAt: ctx.now });
    if (!inserted) continue;
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
      const inserted = await insertOverdueNotice(client, { billId, stage, suspensionDate, businessDate: ctx.businessDate, notifiedAt: ctx.now });
      if (!inserted) continue;
      await markOverdueNotified(client, billId, ctx.businessDate);
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
