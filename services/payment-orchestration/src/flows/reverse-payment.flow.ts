// Reversal of a payment before its channel's settlement cut-off: in the caller's transaction, the
// reversal row, the payment marked reversed, its allocations released (the bills are payable again
// here at once, without waiting for billing), mirrored ledger entries and the outbox payment.reversed.
import { createEvent, money } from '@gateway/contracts';
import type { ErrorCode, Money, ReversalResponse } from '@gateway/contracts';
import { enqueueEvent } from '@gateway/kit';
import type { PoolClient } from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { reversalLedgerLines } from '../domain/allocation.ts';
import { businessDateOf, cutOffInstant } from '../domain/business-day.ts';
import { cutOffOf } from '../domain/catalogues.ts';
import { serviceName } from '../service-name.ts';
import { writeLedger } from '../store/pg-payment-store.ts';
import { findReversalOf, insertReversal, lockClientPayment } from '../store/pg-reversal-store.ts';
import type { ReversalRow } from '../store/pg-reversal-store.ts';
import type { PaymentContext } from './record-payment.flow.ts';

export type ReversePaymentInput = { clientId: string; paymentId: string; reason: string; correlationId: string };

export type ReversePaymentOutcome =
  | { kind: 'reversed'; reversal: ReversalResponse; repeated: boolean }
  | { kind: 'refused'; code: ErrorCode; message: string; details?: Record<string, unknown> };

function reversalView(row: ReversalRow): ReversalResponse {
  return {
    reversalId: row.reversal_id,
    status: row.status,
    paymentId: row.payment_id,
    amount: money(BigInt(row.amount), row.currency),
    reversedAt: row.reversed_at.toISOString(),
  };
}

export async function reversePayment(client: PoolClient, input: ReversePaymentInput, ctx: PaymentContext): Promise<ReversePaymentOutcome> {
  // The payment row lock serialises two reversals of one payment (under different keys).
  const payment = await lockClientPayment(client, input.paymentId, input.clientId);
  if (payment === null) return { kind: 'refused', code: 'not_found', message: `Payment ${input.paymentId} was not found.` };

  // A payment is reversed once: asking again (under any key) returns that one reversal.
  const prior = await findReversalOf(client, payment.payment_id);
  if (prior !== null) return { kind: 'reversed', reversal: reversalView(prior), repeated: true };

  const tz = ctx.channels.timezone;
  const cutOff = cutOffOf(ctx.channels, payment.channel_id);
  const closesAt = cutOffInstant(payment.business_date, cutOff, tz);
  if (ctx.now.getTime() >= closesAt.getTime()) {
    // After the cut-off the day's statement is final and the money is in settlement: undoing it is a
    // refund through a complaint, not a reversal: 409 settlement_closed (docs/api.md).
    return {
      kind: 'refused',
      code: 'settlement_closed',
      message: `The settlement day ${payment.business_date} of this payment closed at ${closesAt.toISOString()}; it can no longer be reversed.`,
      details: { reason: 'settlement_closed', businessDate: payment.business_date, cutOffAt: closesAt.toISOString() },
    };
  }

  const reversalId = `rev_${uuidv7()}`;
  const reversedAt = ctx.now.toISOString();
  const reversalBusinessDate = businessDateOf(ctx.now, cutOff, tz);
  const amount: Money = money(BigInt(payment.amount), payment.currency);
  const fee: Money = money(BigInt(payment.fee), payment.currency);

  const allocations = await insertReversal(client, {
    reversalId,
    paymentId: payment.payment_id,
    clientId: input.clientId,
    channelId: payment.channel_id,
    reason: input.reason,
    amount: amount.amount,
    fee: fee.amount,
    currency: amount.currency,
    reversedAt,
    businessDate: reversalBusinessDate,
  });
  await writeLedger(client, reversalId, reversalLedgerLines({ channelId: payment.channel_id, billerId: payment.biller_id, amount, fee }));

  await enqueueEvent(
    client,
    createEvent('payment.reversed', {
      producer: serviceName,
      key: payment.account_no,
      correlationId: input.correlationId,
      causationId: null,
      occurredAt: ctx.now,
      payload: {
        paymentId: payment.payment_id,
        receiptNo: payment.receipt_no,
        source: payment.source,
        clientId: payment.client_id,
        channelId: payment.channel_id,
        channelTxnId: payment.channel_txn_id,
        billerId: payment.biller_id,
        accountNo: payment.account_no,
        // A public entity's transfer is undone as one, under the entity it was paid for.
        ...(payment.entity_id === null ? {} : { entityId: payment.entity_id }),
        amount,
        fee,
        allocations: allocations
          .sort((a, b) => (a.bill_id < b.bill_id ? -1 : 1))
          .map((a) => {
            const line = { billId: a.bill_id, externalBillId: a.external_bill_id, amount: money(BigInt(a.amount), payment.currency) };
            // The waiver goes with its payment: the reversal names it so billing owes the late fee
            // again (billing reinstates what it recorded as waived, not this figure, as it does with
            // the money it applied).
            return BigInt(a.waived) > 0n ? { ...line, waivedLateFee: money(BigInt(a.waived), payment.currency) } : line;
          }),
        paidAt: payment.paid_at.toISOString(),
        businessDate: payment.business_date,
        intentId: payment.intent_id,
        inquiryRef: payment.inquiry_ref,
        payerMsisdn: payment.payer_msisdn,
        reversalId,
        reason: input.reason,
        reversedAt,
        reversalBusinessDate,
      },
    }),
  );
  return { kind: 'reversed', reversal: { reversalId, status: 'completed', paymentId: payment.payment_id, amount, reversedAt }, repeated: false };
}
