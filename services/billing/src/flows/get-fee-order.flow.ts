// GET /v1/fee-orders/{orderRef}'s use case: the order as its caller may see it, with its state now.
import type { FeeOrderView } from '@gateway/contracts';
import type { Queryable } from '@gateway/kit';
import { feeOrderStatus } from '../domain/fee-order.ts';
import { findFeeOrder } from '../store/pg-fee-order-store.ts';
import type { StoredFeeOrder } from '../store/pg-fee-order-store.ts';

/** A stored order as the API shows it: its status now, and the receipt once paid. */
export function feeOrderView(order: StoredFeeOrder, now: Date): FeeOrderView {
  const status = feeOrderStatus(order.billStatus, order.expiresAt, now);
  return {
    orderRef: order.orderRef,
    billerId: order.billerId,
    serviceCode: order.serviceCode,
    quantity: order.quantity,
    status,
    amount: order.amount,
    createdAt: order.createdAt.toISOString(),
    expiresAt: order.expiresAt.toISOString(),
    billId: order.billId,
    ...(status === 'paid' && order.payment !== null
      ? { ...(order.payment.receiptNo === null ? {} : { receiptNo: order.payment.receiptNo }), paidAt: order.payment.paidAt.toISOString() }
      : {}),
  };
}

/**
 * The order, or null when there is none or `onlyBiller` (an issuing authority's own client) is not its
 * biller: another authority's order is as unknown to it as one never made (docs/api.md, 404).
 */
export async function getFeeOrder(db: Queryable, orderRef: string, now: Date, onlyBiller?: string): Promise<FeeOrderView | null> {
  const order = await findFeeOrder(db, orderRef);
  if (order === undefined || (onlyBiller !== undefined && order.billerId !== onlyBiller)) return null;
  return feeOrderView(order, now);
}
