// POST /v1/fee-orders' use case: price the order from the fee in force on its business day, store it
// with its bill and the applicant's account, and announce the bill as bill.issued through the outbox
// in the same transaction (the route's idempotency transaction), so payment orchestration presents it
// at GET /v1/bills?accountNo=<orderRef> and notification knows the applicant, like any other bill.
import { businessDateOf, createEvent } from '@gateway/contracts';
import type { FeeOrderBody, FeeOrderCreated } from '@gateway/contracts';
import { enqueueEvents } from '@gateway/kit';
import type { PoolClient } from 'pg';
import { toBillSnapshot } from '../domain/bill-snapshot.ts';
import { feeOrderTerms, newOrderRef } from '../domain/fee-order.ts';
import { feesOn } from '../domain/fee-schedule.ts';
import type { FeeSchedules } from '../domain/fee-schedule.ts';
import { parseMobile } from '../domain/landline.ts';
import type { LateFeePolicy } from '../domain/late-fee-policy.ts';
import { serviceName } from '../service-name.ts';
import { newBillId } from '../store/pg-bill-store.ts';
import { insertFeeOrder } from '../store/pg-fee-order-store.ts';

export type CreateFeeOrderDeps = { tx: PoolClient; schedules: FeeSchedules; policy: LateFeePolicy; now: Date };

export type CreateFeeOrderInput = { body: FeeOrderBody; clientId: string; correlationId: string; causationId: string };

export type CreateFeeOrderResult =
  | { kind: 'created'; order: FeeOrderCreated; billId: string }
  | { kind: 'biller_not_found'; message: string }
  | { kind: 'invalid'; field: string; problem: string };

export async function createFeeOrder(deps: CreateFeeOrderDeps, input: CreateFeeOrderInput): Promise<CreateFeeOrderResult> {
  const { body } = input;
  const services = deps.schedules.get(body.billerId);
  if (services === undefined) return { kind: 'biller_not_found', message: `${body.billerId} is not a fee biller.` };
  const fees = services.get(body.serviceCode);
  if (fees === undefined) {
    return { kind: 'invalid', field: 'body.serviceCode', problem: `${body.billerId} has no service ${body.serviceCode} (GET /v1/fee-schedule?billerId=${body.billerId} lists them)` };
  }
  const orderDay = businessDateOf(deps.now);
  const { current } = feesOn(fees, orderDay);
  if (current === null) return { kind: 'invalid', field: 'body.serviceCode', problem: `${body.serviceCode} has no fee in force on ${orderDay} yet` };
  // Kept in E.164 like every holder's mobile, so notification texts the applicant as it texts a subscriber.
  const mobile = parseMobile(body.applicant.msisdn);
  if (!mobile.ok) return { kind: 'invalid', field: 'body.applicant.msisdn', problem: mobile.reason };

  const quantity = body.quantity ?? 1;
  const terms = feeOrderTerms(current.amount, quantity, deps.now, current.orderTtlMs);
  const orderRef = newOrderRef();
  const { bill, account } = await insertFeeOrder(deps.tx, {
    orderRef,
    billId: newBillId(),
    billerId: body.billerId,
    serviceCode: body.serviceCode,
    quantity,
    unitAmount: current.amount,
    amount: terms.amount,
    feeEffectiveFrom: current.effectiveFrom,
    applicant: { nationalId: body.applicant.nationalId, name: body.applicant.name, msisdn: mobile.value },
    createdBy: input.clientId,
    createdAt: deps.now,
    expiresAt: terms.expiresAt,
    orderDay: terms.orderDay,
    dueDate: terms.dueDate,
    lines: [{ code: body.serviceCode, description: `${body.serviceCode} × ${quantity}`, amount: terms.amount }],
  });
  await enqueueEvents(deps.tx, [
    createEvent('bill.issued', {
      producer: serviceName,
      key: bill.accountNo,
      correlationId: input.correlationId,
      causationId: input.causationId,
      occurredAt: deps.now,
      payload: { ...toBillSnapshot(bill, account, deps.policy, deps.now), lines: bill.lines },
    }),
  ]);
  return {
    kind: 'created',
    billId: bill.billId,
    order: { orderRef, billerId: body.billerId, serviceCode: body.serviceCode, amount: terms.amount, expiresAt: terms.expiresAt.toISOString(), status: 'awaiting_payment' },
  };
}
