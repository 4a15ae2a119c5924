// The snapshot every bill.* event carries: what payment orchestration needs to present and accept a
// payment, and notification to word an SMS, without ever calling billing (docs/design.md).
import { isPositive, minMoney, money, zeroMoney } from '@gateway/contracts';
import type { BillSnapshot, Money } from '@gateway/contracts';
import type { AccountRecord, BillRecord } from './bill-records.ts';
import { deriveBillStatus, outstandingOf } from './bill-state.ts';
import { businessDateOf } from '@gateway/contracts';
import { classPolicy } from './late-fee-policy.ts';
import type { LateFeePolicy } from './late-fee-policy.ts';

export type PaymentConstraints = { allowPartial: boolean; minAmount: Money; maxAmount: Money };

/**
 * What one payment of this bill may be. Without partial payments the channel must collect exactly
 * what is due; with them, at least the class's minimum (or the whole amount when less is left).
 */
export function paymentConstraints(due: Money, holderClass: AccountRecord['holderClass'], policy: LateFeePolicy): PaymentConstraints {
  const rules = classPolicy(policy, holderClass);
  if (!isPositive(due)) return { allowPartial: rules.partialPayments, minAmount: zeroMoney(due.currency), maxAmount: due };
  if (!rules.partialPayments) return { allowPartial: false, minAmount: due, maxAmount: due };
  // A minimum configured in another currency says nothing about this bill: take the safe side.
  const floor = rules.minPayment && rules.minPayment.currency === due.currency ? rules.minPayment : money(1, due.currency);
  return { allowPartial: true, minAmount: minMoney(floor, due), maxAmount: due };
}

/**
 * The bill as of `at`. Late fees are the ones the daily run has materialized (the stored ones, which
 * match amountDue's schedule once the run for the day has passed); the status is re-derived for the
 * business date of `at`, so a bill imported after its due date is announced as overdue.
 */
export function toBillSnapshot(bill: BillRecord, account: AccountRecord, policy: LateFeePolicy, at: Date): BillSnapshot {
  const due = outstandingOf(bill);
  // A fee order is paid whole, once (docs/api.md, "Government fees"), whatever the holder class's policy.
  const constraints = bill.expiresAt === null ? paymentConstraints(due, account.holderClass, policy) : { allowPartial: false, minAmount: due, maxAmount: due };
  return {
    billId: bill.billId,
    externalBillId: bill.externalBillId,
    billerId: bill.billerId,
    accountNo: bill.accountNo,
    governorate: account.governorate,
    period: { from: bill.periodFrom, to: bill.periodTo },
    issueDate: bill.issueDate,
    dueDate: bill.dueDate,
    amount: bill.amount,
    lateFee: bill.lateFee,
    paidAmount: bill.paidAmount,
    amountDue: due,
    ...constraints,
    essential: bill.essential,
    holder: {
      class: account.holderClass,
      name: account.holderName,
      msisdn: account.msisdn,
      entityId: account.entityId,
      locale: account.locale,
    },
    status: deriveBillStatus(bill, businessDateOf(at)),
    revision: bill.revision,
    // Only a fee order's bill carries it: telecom snapshots stay as they were.
    ...(bill.expiresAt === null ? {} : { expiresAt: bill.expiresAt.toISOString() }),
  };
}
