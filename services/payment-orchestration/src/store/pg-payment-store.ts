// THE one code path that creates a payment: a channel's notification and an intent's success both
// call recordPayment inside their own transaction (idempotency record, payment, allocations, ledger,
// outbox all commit together or not at all). Business refusals come back as values.
import { createHash } from 'node:crypto';
import { createEvent, money } from '@gateway/contracts';
import type { ErrorCode, Money, PaymentStatusResponse } from '@gateway/contracts';
import { enqueueEvent } from '@gateway/kit';
import type { PoolClient } from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { paymentLedgerLines, quotePayment } from '../domain/allocation.ts';
import type { LedgerLine, PayableBill, QuotedBill } from '../domain/allocation.ts';
import { businessDateOf } from '../domain/business-day.ts';
import { payableBillFromRow } from './pg-bill-read-model-store.ts';
import type { PayableBillRow } from './pg-bill-read-model-store.ts';
import { cutOffOf } from '../domain/catalogues.ts';
import type { BillerCatalogue, ChannelCatalogue } from '../domain/catalogues.ts';
import type { FeeSchedule } from '../domain/fees.ts';
import { serviceName } from '../service-name.ts';
import { supersedeIntentsOnPaidBills } from './pg-intent-supersede.ts';

export type RecordPaymentInput = {
  clientId: string;
  channelId: string;
  channelTxnId: string;
  source: 'channel' | 'intent';
  intentId: string | null;
  billerId: string;
  accountNo: string;
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
};

/** The fields of GET /v1/payments/{id} (paymentStatusResponseSchema). */
export type PaymentView = PaymentStatusResponse;

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
  ];
  return createHash('sha256').update(JSON.stringify(content)).digest('hex');
}


/**
 * The bills of one account, each row locked FOR UPDATE in bill_id order: two payments touching the
 * same bill (from any channel) queue here, and the second sees the first's allocations. Always
 * locking in one order means two payments over overlapping bills never deadlock.
 *
 * The allocations are summed in a second statement on purpose: under READ COMMITTED a statement
 * keeps the snapshot it started with even after waiting for a lock, so a sum computed alongside the
 * lock would miss the allocations of the payment we just waited for — and pay the bill twice.
 */
export async function lockAccountBills(client: PoolClient, billerId: string, accountNo: string): Promise<PayableBill[]> {
  const { rows } = await client.query<Omit<PayableBillRow, 'allocated'>>(
    `SELECT bill_id, external_bill_id, currency, amount, late_fee, allow_partial, min_amount, max_amount, essential,
            closed_externally, status, to_char(period_from, 'YYYY-MM-DD') AS period_from, to_char(due_date, 'YYYY-MM-DD') AS due_date
     FROM payable_bills WHERE biller_id = $1 AND account_no = $2 ORDER BY bill_id FOR UPDATE`,
    [billerId, accountNo],
  );
  if (rows.length === 0) return [];
  const { rows: sums } = await client.query<{ bill_id: string; allocated: string }>(
    `SELECT bill_id, sum(amount + waived) AS allocated FROM payment_allocations
     WHERE bill_id = ANY($1::text[]) AND reversed_at IS NULL GROUP BY bill_id`,
    [rows.map((r) => r.bill_id)],
  );
  const allocated = new Map(sums.map((s) => [s.bill_id, s.allocated]));
  return rows.map((row) => payableBillFromRow({ ...row, allocated: allocated.get(row.bill_id) ?? '0' }));
}


export type InquiryCheck = { kind: 'valid'; quoted: QuotedBill[]; quotedAt: Date } | { kind: 'refused'; code: ErrorCode; message: string };

/** An inquiryRef is honoured only for the client, biller and account it was made for, and until it expires. */
export async function checkInquiry(
  client: PoolClient,
  input: { inquiryRef: string; clientId: string; billerId: string; accountNo: string },
  now: Date,
): Promise<InquiryCheck> {
  const { rows } = await client.query<{ client_id: string; biller_id: string; account_no: string; quoted: QuotedBill[]; created_at: Date; expires_at: Date }>(
    `SELECT client_id, biller_id, account_no, quoted, created_at, expires_at FROM inquiries WHERE inquiry_ref = $1`,
    [input.inquiryRef],
  );
  const row = rows[0];
  if (row === undefined || row.client_id !== input.clientId) {
    return { kind: 'refused', code: 'invalid_request', message: 'Unknown inquiryRef; make a bill inquiry first.' };
  }
  if (row.biller_id !== input.billerId || row.account_no !== input.accountNo) {
    return { kind: 'refused', code: 'invalid_request', message: 'The inquiryRef was made for another biller or account.' };
  }
  if (row.expires_at.getTime() <= now.getTime()) {
    return { kind: 'refused', code: 'inquiry_expired', message: `The inquiry expired at ${row.expires_at.toISOString()}; make a new bill inquiry.` };
  }
  return { kind: 'valid', quoted: row.quoted, quotedAt: row.created_at };
}

async function writeLedger(client: PoolClient, txnId: string, lines: readonly LedgerLine[]): Promise<void> {
  await client.query(
    `INSERT INTO ledger_entries (txn_id, entry_no, account, amount, currency)
     SELECT $1, n, account, amount, currency
     FROM unnest($2::text[], $3::bigint[], $4::text[]) WITH ORDINALITY AS t(account, amount, currency, n)`,
    [txnId, lines.map((l) => l.account), lines.map((l) => l.amount), lines.map((l) => l.currency)],
  );
}
export { writeLedger };

export async function recordPayment(client: PoolClient, input: RecordPaymentInput, ctx: PaymentContext): Promise<RecordPaymentOutcome> {
  const refused = (code: ErrorCode, message: string): RecordPaymentOutcome => ({ kind: 'refused', code, message });
  if (!ctx.billers.billers.some((b) => b.billerId === input.billerId)) {
    return refused('biller_not_found', `Biller ${input.billerId} is not known to the gateway.`);
  }
  const contentHash = paymentContentHash(input);

  // One channelTxnId names one payment: serialise the requests that carry it (whatever their
  // Idempotency-Key), so the second sees the first's row instead of failing on the unique index.
  await client.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`txn:${input.channelId}:${input.channelTxnId}`]);
  const existing = await client.query<{ payment_id: string; request_hash: string }>(
    `SELECT payment_id, request_hash FROM payments WHERE channel_id = $1 AND channel_txn_id = $2`,
    [input.channelId, input.channelTxnId],
  );
  const prior = existing.rows[0];
  if (prior !== undefined) {
    // The channel retried under a new key: the same content is the same payment (the scheme's rule:
    // answer a repeat with the original success); other content under that id is a real conflict.
    if (prior.request_hash !== contentHash) {
      return refused('duplicate_payment', `Channel transaction ${input.channelTxnId} was already used for another payment.`);
    }
    const view = await loadPaymentView(client, prior.payment_id);
    if (view === null) throw new Error(`payment ${prior.payment_id} vanished`);
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

  const bills = await lockAccountBills(client, input.billerId, input.accountNo);
  if (bills.length === 0) return refused('account_not_found', `No bills are known for account ${input.accountNo} of ${input.billerId}.`);

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

  const quote = quotePayment({ bills, billIds: input.billIds, amount: input.amount, quoted, feeSchedule: ctx.fees, fee: input.fee });
  if (quote.kind === 'refused') return refused(quote.code, quote.message);

  const paymentId = `pay_${uuidv7()}`;
  const tz = ctx.channels.timezone;
  // The settlement day is when the gateway took the payment, not the channel's paidAt: a channel
  // cannot move money into a day whose statement is already closed.
  const businessDate = businessDateOf(ctx.now, cutOffOf(ctx.channels, input.channelId), tz);
  const { rows: seq } = await client.query<{ n: string | number }>(`SELECT nextval('receipt_no_seq') AS n`);
  const receiptNo = `RC-${businessDate.replaceAll('-', '')}-${String(seq[0]?.n ?? 0).padStart(6, '0')}`;
  const paidAt = new Date(input.paidAt).toISOString();

  await client.query(
    `INSERT INTO payments (payment_id, receipt_no, client_id, channel_id, channel_txn_id, source, intent_id, biller_id,
       account_no, amount, fee, currency, paid_at, business_date, status, inquiry_ref, payer_msisdn, request_hash, correlation_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 'completed', $15, $16, $17, $18)`,
    [
      paymentId,
      receiptNo,
      input.clientId,
      input.channelId,
      input.channelTxnId,
      input.source,
      input.intentId,
      input.billerId,
      input.accountNo,
      input.amount.amount,
      quote.fee.amount,
      quote.currency,
      paidAt,
      businessDate,
      input.inquiryRef ?? null,
      input.payerMsisdn,
      contentHash,
      input.correlationId,
    ],
  );
  await client.query(
    `INSERT INTO payment_allocations (payment_id, bill_id, external_bill_id, amount, waived, currency)
     SELECT $1, bill_id, external_bill_id, amount, waived, $6
     FROM unnest($2::text[], $3::text[], $4::bigint[], $5::bigint[]) AS t(bill_id, external_bill_id, amount, waived)`,
    [
      paymentId,
      quote.allocations.map((a) => a.billId),
      quote.allocations.map((a) => a.externalBillId),
      quote.allocations.map((a) => a.amount),
      quote.allocations.map((a) => a.waived),
      quote.currency,
    ],
  );
  await writeLedger(client, paymentId, paymentLedgerLines({ channelId: input.channelId, billerId: input.billerId, amount: input.amount, fee: quote.fee }));
  // Intents that held the bills just settled must not debit the payer too (pg-intent-supersede.ts).
  await supersedeIntentsOnPaidBills(client, { bills, allocations: quote.allocations, paymentId, intentId: input.intentId, correlationId: input.correlationId, causationId: input.causationId, now: ctx.now });

  // Billing must hear of a waiver, or it applies a payment smaller than its amount due, leaves the
  // bill overdue and never emits bill.settled (the line stays cut). Only where something was waived:
  // an absent field is the contract's "none", and keeps every other event as it was. The quote goes
  // with it: our copy of the bill may not have seen a late fee billing applied after the inquiry
  // (then nothing is waived here), and billing, which has, settles against what was quoted.
  const allocations = quote.allocations.map((a) => {
    const line = { billId: a.billId, externalBillId: a.externalBillId, amount: money(a.amount, quote.currency) };
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
      allocations: allocations.map((a) => ({ billId: a.billId, amount: a.amount })),
      amount: input.amount,
      fee: quote.fee,
      paidAt,
      businessDate,
    },
  };
}

/**
 * A `payments` row as pg hands it back (bigint as string, business_date selected as 'YYYY-MM-DD'
 * text). Each query picks the columns it selects from here, so a column's type is stated once.
 */
export type PaymentsColumns = {
  payment_id: string;
  receipt_no: string;
  status: 'completed' | 'reversed';
  source: 'channel' | 'intent';
  client_id: string;
  channel_id: string;
  channel_txn_id: string;
  biller_id: string;
  account_no: string;
  amount: string;
  fee: string;
  currency: string;
  paid_at: Date;
  business_date: string;
  intent_id: string | null;
  inquiry_ref: string | null;
  payer_msisdn: string | null;
};

type PaymentRow = Pick<
  PaymentsColumns,
  | 'payment_id'
  | 'receipt_no'
  | 'status'
  | 'client_id'
  | 'channel_id'
  | 'channel_txn_id'
  | 'biller_id'
  | 'account_no'
  | 'amount'
  | 'fee'
  | 'currency'
  | 'paid_at'
  | 'business_date'
> & {
  allocations: { billId: string; amount: number }[];
  reversal_id: string | null;
  reversal_reason: string | null;
  reversed_at: Date | null;
};

const paymentViewSql = `
  SELECT p.payment_id, p.receipt_no, p.status, p.client_id, p.channel_id, p.channel_txn_id, p.biller_id, p.account_no,
         p.amount, p.fee, p.currency, p.paid_at, to_char(p.business_date, 'YYYY-MM-DD') AS business_date,
         (SELECT json_agg(json_build_object('billId', a.bill_id, 'amount', a.amount) ORDER BY a.bill_id)
            FROM payment_allocations a WHERE a.payment_id = p.payment_id) AS allocations,
         r.reversal_id, r.reason AS reversal_reason, r.reversed_at
  FROM payments p LEFT JOIN reversals r ON r.payment_id = p.payment_id`;

function toView(row: PaymentRow): PaymentView {
  const currency = row.currency;
  const view: PaymentView = {
    paymentId: row.payment_id,
    receiptNo: row.receipt_no,
    status: row.status,
    channelTxnId: row.channel_txn_id,
    billerId: row.biller_id,
    accountNo: row.account_no,
    allocations: (row.allocations ?? []).map((a) => ({ billId: a.billId, amount: money(a.amount, currency) })),
    amount: money(BigInt(row.amount), currency),
    fee: money(BigInt(row.fee), currency),
    paidAt: row.paid_at.toISOString(),
    businessDate: row.business_date,
  };
  if (row.reversal_id !== null && row.reversed_at !== null) {
    view.reversal = { reversalId: row.reversal_id, reason: row.reversal_reason ?? '', reversedAt: row.reversed_at.toISOString() };
  }
  return view;
}

export async function loadPaymentView(client: Pick<PoolClient, 'query'>, paymentId: string): Promise<PaymentView | null> {
  const { rows } = await client.query<PaymentRow>(`${paymentViewSql} WHERE p.payment_id = $1`, [paymentId]);
  return rows[0] === undefined ? null : toView(rows[0]);
}

/** Status inquiry: a client sees only its own payments (another's is simply not found). */
export async function findClientPayment(
  db: Pick<PoolClient, 'query'>,
  clientId: string,
  by: { paymentId: string } | { channelTxnId: string },
): Promise<PaymentView | null> {
  const { rows } =
    'paymentId' in by
      ? await db.query<PaymentRow>(`${paymentViewSql} WHERE p.payment_id = $1 AND p.client_id = $2`, [by.paymentId, clientId])
      : await db.query<PaymentRow>(`${paymentViewSql} WHERE p.channel_txn_id = $1 AND p.client_id = $2 ORDER BY p.created_at LIMIT 1`, [
          by.channelTxnId,
          clientId,
        ]);
  return rows[0] === undefined ? null : toView(rows[0]);
}
