// THE one code path that creates a payment: a channel's notification and an intent's success both
// call recordPayment inside their own transaction (idempotency record, payment, allocations, ledger,
// outbox all commit together or not at all). Business refusals come back as values.
import { createHash } from 'node:crypto';
import { createEvent, money } from '@gateway/contracts';
import type { ErrorCode, Money } from '@gateway/contracts';
import { enqueueEvent } from '@gateway/kit';
import type { PoolClient } from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { paymentLedgerLines, quotePayment } from '../domain/allocation.ts';
import type { QuotedBill } from '../domain/allocation.ts';
import { businessDateOf } from '../domain/business-day.ts';
import { cutOffOf, findBiller } from '../domain/catalogues.ts';
import type { BillerCatalogue, ChannelCatalogue } from '../domain/catalogues.ts';
import type { FeeSchedule } from '../domain/fees.ts';
import { serviceName } from '../service-name.ts';
import { findInquiry } from '../store/pg-inquiry-store.ts';
import { insertPayment, loadPaymentView, lockPaymentTargets } from '../store/pg-payment-store.ts';
import type { PaymentView } from '../store/pg-payment-store.ts';
import { supersedeIntentsOnPaidBills } from './supersede-intents.flow.ts';

export type RecordPaymentInput = {
  clientId: string;
  channelId: string;
  channelTxnId: string;
  source: 'channel' | 'intent';
  intentId: string | null;
  billerId: string;
  /** The account paid; on a public entity's payment, the entityId. */
  accountNo: string;
  /**
   * Set on a public entity's one transfer (issue 16): the amount goes to the entity's open bills of the
   * biller across all its lines, earliest due date first, under the same guards as an account's payment.
   */
  entityId?: string | undefined;
  billIds?: string[] | undefined;
  amount: Money;
  /** Intents fix the fee at creation; otherwise it comes from the fee schedule. */
  fee?: Money | undefined;
  paidAt: string;
  inquiryRef?: string | null | undefined;
  payerMsisdn: string | null;
  correlationId: string;
  causationId: string | null;
};

/** What a payment needs besides its input: the catalogues and the clock. */
export type PaymentContext = {
  billers: BillerCatalogue;
  channels: ChannelCatalogue;
  fees: FeeSchedule;
  now: Date;
  /**
   * The business date a channel's settlement file put the debit in, when the payment is recorded from
   * it (reconciliation): the file is the channel's word of record, so the payment is of that day.
   */
  businessDate?: string | undefined;
};

export type RecordPaymentOutcome =
  | { kind: 'completed'; payment: PaymentView }
  | { kind: 'refused'; code: ErrorCode; message: string; details?: Record<string, unknown> };

export function paymentContext(catalogues: { billers: BillerCatalogue; channels: ChannelCatalogue; fees: FeeSchedule }, now: Date): PaymentContext {
  return { billers: catalogues.billers, channels: catalogues.channels, fees: catalogues.fees, now };
}

/**
 * Fingerprint of what a payment is, independent of JSON key order and of the Idempotency-Key: a
 * repeat of the same channelTxnId with the same content is the same payment, with other content a
 * duplicate_payment.
 */
export function paymentContentHash(input: RecordPaymentInput): string {
  const content = [
    input.source,
    input.intentId,
    input.billerId,
    input.accountNo,
    input.billIds ?? null,
    input.amount.amount,
    input.amount.currency,
    new Date(input.paidAt).toISOString(),
    input.inquiryRef ?? null,
    // Only on an entity's payment, so an account's fingerprint stays what it always was.
    ...(input.entityId === undefined ? [] : [{ entityId: input.entityId }]),
  ];
  return createHash('sha256').update(JSON.stringify(content)).digest('hex');
}

export type InquiryCheck = { kind: 'valid'; quoted: QuotedBill[]; quotedAt: Date } | { kind: 'refused'; code: ErrorCode; message: string };

/** An inquiryRef is honoured only for the client, biller and account it was made for, and until it expires. */
export async function checkInquiry(
  client: PoolClient,
  input: { inquiryRef: string; clientId: string; billerId: string; accountNo: string },
  now: Date,
): Promise<InquiryCheck> {
  const row = await findInquiry(client, input.inquiryRef);
  if (row === null || row.clientId !== input.clientId) {
    return { kind: 'refused', code: 'invalid_request', message: 'Unknown inquiryRef; make a bill inquiry first.' };
  }
  if (row.billerId !== input.billerId || row.accountNo !== input.accountNo) {
    return { kind: 'refused', code: 'invalid_request', message: 'The inquiryRef was made for another biller or account.' };
  }
  if (row.expiresAt.getTime() <= now.getTime()) {
    return { kind: 'refused', code: 'inquiry_expired', message: `The inquiry expired at ${row.expiresAt.toISOString()}; make a new bill inquiry.` };
  }
  return { kind: 'valid', quoted: row.quoted, quotedAt: row.createdAt };
}

export async function recordPayment(client: PoolClient, input: RecordPaymentInput, ctx: PaymentContext): Promise<RecordPaymentOutcome> {
  const refused = (code: ErrorCode, message: string): RecordPaymentOutcome => ({ kind: 'refused', code, message });
  const biller = findBiller(ctx.billers, input.billerId);
  if (biller.kind === 'refused') return biller;
  const contentHash = paymentContentHash(input);

  // One channelTxnId names one payment: serialise the requests that carry it (whatever their
  // Idempotency-Key), so the second sees the first's row instead of failing on the unique index. The
  // account's bills are locked in the same round trip (pg-payment-store.ts, lockPaymentTargets).
  const { prior, bills, heldBillIds, accountOf } = await lockPaymentTargets(client, input);
  if (prior !== null) {
    // The channel retried under a new key: the same content is the same payment (the scheme's rule:
    // answer a repeat with the original success); other content under that id is a real conflict.
    if (prior.requestHash !== contentHash) {
      return refused('duplicate_payment', `Channel transaction ${input.channelTxnId} was already used for another payment.`);
    }
    const view = await loadPaymentView(client, prior.paymentId);
    if (view === null) throw new Error(`payment ${prior.paymentId} vanished`);
    // The answer for a known channelTxnId is the payment's real status: once reversed, the money went
    // back and the bill is open again, so "completed" would tell the customer a lie (the line stays cut).
    if (view.status === 'reversed') {
      const reversalId = view.reversal?.reversalId ?? null;
      const reversedAt = view.reversal?.reversedAt ?? null;
      return {
        kind: 'refused',
        code: 'payment_reversed',
        message: `The payment ${view.paymentId} for channel transaction ${input.channelTxnId} was reversed (${reversalId ?? 'reversal'} at ${reversedAt ?? 'unknown time'}); it is not paid.`,
        details: { paymentId: view.paymentId, reversalId, reversedAt },
      };
    }
    return { kind: 'completed', payment: view };
  }

  if (bills.length === 0) {
    return input.entityId === undefined
      ? refused('account_not_found', `No bills are known for account ${input.accountNo} of ${input.billerId}.`)
      : refused('account_not_found', `No bills are known for public entity ${input.entityId} of ${input.billerId}.`);
  }

  let quoted: QuotedBill[] | undefined;
  let quotedAt: string | undefined;
  if (input.inquiryRef !== undefined && input.inquiryRef !== null) {
    const inquiry = await checkInquiry(
      client,
      { inquiryRef: input.inquiryRef, clientId: input.clientId, billerId: input.billerId, accountNo: input.accountNo },
      ctx.now,
    );
    if (inquiry.kind === 'refused') return refused(inquiry.code, inquiry.message);
    quoted = inquiry.quoted;
    quotedAt = inquiry.quotedAt.toISOString();
  }

  // An entity's lines are billed on cycles of their own: its bills are taken by due date (allocation.ts).
  const order = input.entityId === undefined ? 'period' : 'dueDate';
  const quote = quotePayment({ bills, billIds: input.billIds, amount: input.amount, quoted, feeSchedule: ctx.fees, fee: input.fee, now: ctx.now, order });
  if (quote.kind === 'refused') return refused(quote.code, quote.message);

  const paymentId = `pay_${uuidv7()}`;
  const tz = ctx.channels.timezone;
  // The settlement day is when the gateway took the payment, not the channel's paidAt: a channel
  // cannot move money into a day whose statement is already closed.
  const businessDate = ctx.businessDate ?? businessDateOf(ctx.now, cutOffOf(ctx.channels, input.channelId), tz);
  const paidAt = new Date(input.paidAt).toISOString();

  // Receipt numbers: RC-<business date>-<the receipt sequence, at least 6 digits>.
  const receiptNo = await insertPayment(
    client,
    {
      paymentId,
      receiptPrefix: `RC-${businessDate.replaceAll('-', '')}-`,
      clientId: input.clientId,
      channelId: input.channelId,
      channelTxnId: input.channelTxnId,
      source: input.source,
      intentId: input.intentId,
      billerId: input.billerId,
      accountNo: input.accountNo,
      entityId: input.entityId ?? null,
      amount: input.amount.amount,
      fee: quote.fee.amount,
      currency: quote.currency,
      paidAt,
      businessDate,
      inquiryRef: input.inquiryRef ?? null,
      payerMsisdn: input.payerMsisdn,
      requestHash: contentHash,
      correlationId: input.correlationId,
    },
    quote.allocations,
    paymentLedgerLines({ channelId: input.channelId, billerId: input.billerId, amount: input.amount, fee: quote.fee }),
  );
  // Intents that held the bills just settled must not debit the payer too (supersede-intents.flow.ts).
  await supersedeIntentsOnPaidBills(client, {
    bills,
    heldBillIds,
    allocations: quote.allocations,
    paymentId,
    intentId: input.intentId,
    correlationId: input.correlationId,
    causationId: input.causationId,
    now: ctx.now,
  });

  // Billing must hear of a waiver, or it applies a payment smaller than its amount due, leaves the
  // bill overdue and never emits bill.settled (the line stays cut). Only where something was waived:
  // an absent field is the contract's "none", and keeps every other event as it was. The quote goes
  // with it: our copy of the bill may not have seen a late fee billing applied after the inquiry
  // (then nothing is waived here), and billing, which has, settles against what was quoted.
  // An entity's allocations span its lines: each names its own (accountOf is empty otherwise).
  const allocations = quote.allocations.map((a) => {
    const accountNo = accountOf.get(a.billId);
    const line = { billId: a.billId, ...(accountNo === undefined ? {} : { accountNo }), externalBillId: a.externalBillId, amount: money(a.amount, quote.currency) };
    const waived = a.waived > 0 ? { ...line, waivedLateFee: money(a.waived, quote.currency) } : line;
    return a.quotedDue !== undefined && quotedAt !== undefined ? { ...waived, quote: { amountDue: money(a.quotedDue, quote.currency), quotedAt } } : waived;
  });
  await enqueueEvent(
    client,
    createEvent('payment.completed', {
      producer: serviceName,
      key: input.accountNo,
      correlationId: input.correlationId,
      causationId: input.causationId,
      occurredAt: ctx.now,
      payload: {
        paymentId,
        receiptNo,
        source: input.source,
        clientId: input.clientId,
        channelId: input.channelId,
        channelTxnId: input.channelTxnId,
        billerId: input.billerId,
        accountNo: input.accountNo,
        ...(input.entityId === undefined ? {} : { entityId: input.entityId }),
        amount: input.amount,
        fee: quote.fee,
        allocations,
        paidAt,
        businessDate,
        intentId: input.intentId,
        inquiryRef: input.inquiryRef ?? null,
        payerMsisdn: input.payerMsisdn,
      },
    }),
  );

  return {
    kind: 'completed',
    payment: {
      paymentId,
      receiptNo,
      status: 'completed',
      channelTxnId: input.channelTxnId,
      billerId: input.billerId,
      accountNo: input.accountNo,
      ...(input.entityId === undefined ? {} : { entityId: input.entityId }),
      allocations: allocations.map((a) => (a.accountNo === undefined ? { billId: a.billId, amount: a.amount } : { billId: a.billId, accountNo: a.accountNo, amount: a.amount })),
      amount: input.amount,
      fee: quote.fee,
      paidAt,
      businessDate,
    },
  };
}
