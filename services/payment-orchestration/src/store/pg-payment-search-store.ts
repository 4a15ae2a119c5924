// The operator's "find a payment": payments and intents by any identifier a caller may quote, and
// everything this service holds about one of them (the request, the allocations, the intent, the
// reversal, the reconciliation queue, the outbox events it published). SQL only.
import { money } from '@gateway/contracts';
import type { IntentSnapshot, PaymentRecord, PaymentSummary, PublishedEvent, ReconciliationEntry } from '@gateway/contracts';
import type { Queryable } from '@gateway/kit';
import type { PaymentsColumns } from './pg-payment-store.ts';

export type SearchBy =
  | { receiptNo: string }
  | { channelTxnId: string }
  | { paymentId: string }
  | { intentId: string }
  | { accountNo: string }
  | { msisdns: readonly string[] };

type SummaryRow = {
  kind: 'payment' | 'intent';
  payment_id: string | null;
  intent_id: string | null;
  receipt_no: string | null;
  channel_id: string;
  channel_txn_id: string | null;
  account_no: string;
  amount: string;
  currency: string;
  status: string;
  at: Date;
};

// Payments, then the intents that never became one (an intent that did is the payment's row).
const paymentColumns = `'payment' AS kind, p.payment_id, p.intent_id, p.receipt_no, p.channel_id, p.channel_txn_id, p.account_no,
  p.amount, p.currency, p.status, p.paid_at AS at`;
const intentColumns = `'intent' AS kind, i.payment_id, i.intent_id, i.receipt_no, i.channel_id, i.channel_txn_id, i.account_no,
  i.amount, i.currency, i.status, i.created_at AS at`;

function searchSql(by: SearchBy): { payments: string; intents: string | null; param: unknown } {
  if ('receiptNo' in by) return { payments: 'p.receipt_no = $1', intents: null, param: by.receiptNo };
  if ('channelTxnId' in by) return { payments: 'p.channel_txn_id = $1', intents: 'i.channel_txn_id = $1', param: by.channelTxnId };
  if ('paymentId' in by) return { payments: 'p.payment_id = $1', intents: null, param: by.paymentId };
  if ('intentId' in by) return { payments: 'p.intent_id = $1', intents: 'i.intent_id = $1', param: by.intentId };
  if ('accountNo' in by) return { payments: 'p.account_no = $1', intents: 'i.account_no = $1', param: by.accountNo };
  // A subscriber: the payer's number the channel or the intent gave, or the holder's number of the
  // account's bills (billing's, through the read model) — a call-centre agent hears either.
  return {
    payments: `(p.payer_msisdn = ANY($1) OR p.account_no IN (SELECT account_no FROM payable_bills WHERE holder_msisdn = ANY($1)))`,
    intents: `(i.payer_msisdn = ANY($1) OR i.account_no IN (SELECT account_no FROM payable_bills WHERE holder_msisdn = ANY($1)))`,
    param: by.msisdns,
  };
}

/** Newest first, at most `limit`; an intent that became a payment appears once, as the payment. */
export async function searchPayments(db: Queryable, by: SearchBy, limit: number): Promise<PaymentSummary[]> {
  const where = searchSql(by);
  const intents =
    where.intents === null ? '' : `UNION ALL SELECT ${intentColumns} FROM payment_intents i WHERE ${where.intents} AND i.payment_id IS NULL`;
  const { rows } = await db.query<SummaryRow>(
    `SELECT * FROM (SELECT ${paymentColumns} FROM payments p WHERE ${where.payments} ${intents}) found ORDER BY at DESC LIMIT $2`,
    [where.param, limit],
  );
  return rows.map((r) => ({
    kind: r.kind,
    paymentId: r.payment_id,
    intentId: r.intent_id,
    receiptNo: r.receipt_no,
    channelId: r.channel_id,
    channelTxnId: r.channel_txn_id,
    accountNo: r.account_no,
    amount: money(BigInt(r.amount), r.currency),
    status: r.status,
    at: r.at.toISOString(),
  }));
}

const iso = (d: Date | null): string | null => (d === null ? null : d.toISOString());

export async function paymentRecord(db: Queryable, by: { paymentId: string } | { intentId: string }): Promise<PaymentRecord | null> {
  const { rows } = await db.query<
    PaymentsColumns & {
      correlation_id: string | null;
      created_at: Date;
      allocations: { billId: string; externalBillId: string; amount: number; waived: number; reversedAt: string | null }[] | null;
      reversal: { reversalId: string; clientId: string; reason: string; amount: number; fee: number; status: string; reversedAt: string; recordedAt: string } | null;
    }
  >(
    `SELECT p.payment_id, p.receipt_no, p.status, p.source, p.intent_id, p.client_id, p.channel_id, p.channel_txn_id, p.biller_id, p.account_no,
            p.amount, p.fee, p.currency, p.paid_at, to_char(p.business_date, 'YYYY-MM-DD') AS business_date, p.inquiry_ref,
            p.payer_msisdn, p.correlation_id, p.created_at, p.entity_id,
            (SELECT json_agg(json_build_object('billId', a.bill_id, 'externalBillId', a.external_bill_id, 'amount', a.amount,
                                               'waived', a.waived, 'reversedAt', a.reversed_at) ORDER BY a.bill_id)
               FROM payment_allocations a WHERE a.payment_id = p.payment_id) AS allocations,
            (SELECT json_build_object('reversalId', r.reversal_id, 'clientId', r.client_id, 'reason', r.reason, 'amount', r.amount,
                                      'fee', r.fee, 'status', r.status, 'reversedAt', r.reversed_at, 'recordedAt', r.created_at)
               FROM reversals r WHERE r.payment_id = p.payment_id) AS reversal
       FROM payments p WHERE ${'paymentId' in by ? 'p.payment_id' : 'p.intent_id'} = $1`,
    ['paymentId' in by ? by.paymentId : by.intentId],
  );
  const r = rows[0];
  if (r === undefined) return null;
  const m = (amount: number | string) => money(BigInt(amount), r.currency);
  const at = (value: string) => new Date(value).toISOString();
  return {
    paymentId: r.payment_id,
    receiptNo: r.receipt_no,
    status: r.status,
    source: r.source,
    intentId: r.intent_id,
    clientId: r.client_id,
    channelId: r.channel_id,
    channelTxnId: r.channel_txn_id,
    billerId: r.biller_id,
    accountNo: r.account_no,
    amount: m(r.amount),
    fee: m(r.fee),
    paidAt: r.paid_at.toISOString(),
    businessDate: r.business_date,
    inquiryRef: r.inquiry_ref,
    payerMsisdn: r.payer_msisdn,
    correlationId: r.correlation_id,
    recordedAt: r.created_at.toISOString(),
    allocations: (r.allocations ?? []).map((a) => ({
      billId: a.billId,
      externalBillId: a.externalBillId,
      amount: m(a.amount),
      waived: m(a.waived),
      reversedAt: a.reversedAt === null ? null : at(a.reversedAt),
    })),
    reversal:
      r.reversal === null
        ? null
        : { ...r.reversal, amount: m(r.reversal.amount), fee: m(r.reversal.fee), reversedAt: at(r.reversal.reversedAt), recordedAt: at(r.reversal.recordedAt) },
  };
}

export async function intentSnapshot(db: Queryable, intentId: string): Promise<IntentSnapshot | null> {
  const { rows } = await db.query<{
    intent_id: string;
    client_id: string;
    channel_id: string;
    status: string;
    amount: string;
    fee: string;
    currency: string;
    payer_msisdn: string | null;
    payer_account_no: string | null;
    last_error_reason: string | null;
    last_error_message: string | null;
    last_error_channel_code: string | null;
    reconciliation_reason: string | null;
    refund_status: string | null;
    created_at: Date;
    expires_at: Date;
    updated_at: Date;
  }>(
    `SELECT intent_id, client_id, channel_id, status, amount, fee, currency, payer_msisdn, payer_account_no, last_error_reason,
            last_error_message, last_error_channel_code, reconciliation_reason, refund_status, created_at, expires_at, updated_at
       FROM payment_intents WHERE intent_id = $1`,
    [intentId],
  );
  const r = rows[0];
  if (r === undefined) return null;
  return {
    intentId: r.intent_id,
    clientId: r.client_id,
    channelId: r.channel_id,
    status: r.status,
    amount: money(BigInt(r.amount), r.currency),
    fee: money(BigInt(r.fee), r.currency),
    payerMsisdn: r.payer_msisdn,
    payerAccountNo: r.payer_account_no,
    lastError: r.last_error_reason === null ? null : { reason: r.last_error_reason, message: r.last_error_message, channelCode: r.last_error_channel_code },
    reconciliationReason: r.reconciliation_reason,
    refundStatus: r.refund_status,
    createdAt: r.created_at.toISOString(),
    expiresAt: r.expires_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}

export async function reconciliationOf(db: Queryable, intentId: string): Promise<ReconciliationEntry[]> {
  const { rows } = await db.query<{ reason: string; detail: string; money_moved: string; created_at: Date; resolved_at: Date | null; resolution: string | null }>(
    `SELECT reason, detail, money_moved, created_at, resolved_at, resolution FROM intent_reconciliation WHERE intent_id = $1 ORDER BY created_at, id`,
    [intentId],
  );
  return rows.map((r) => ({ reason: r.reason, detail: r.detail, moneyMoved: r.money_moved, createdAt: r.created_at.toISOString(), resolvedAt: iso(r.resolved_at), resolution: r.resolution }));
}

/**
 * The outbox rows about the payment or its intent, oldest first. Payment events are keyed by account
 * (per-account order), so they are found by the paymentId in the envelope's payload; intent events
 * by their key. Published rows are purged after the outbox retention, so an old payment shows fewer.
 */
export async function publishedEvents(db: Queryable, ids: { paymentId: string | null; intentId: string | null }): Promise<PublishedEvent[]> {
  const { rows } = await db.query<{ event_id: string; type: string | null; topic: string; created_at: Date; published_at: Date | null; parked_at: Date | null }>(
    `SELECT event_id, payload->>'type' AS type, topic, created_at, published_at, parked_at FROM outbox
      WHERE ($1::text IS NOT NULL AND payload->'payload'->>'paymentId' = $1) OR ($2::text IS NOT NULL AND key = $2)
      ORDER BY id LIMIT 200`,
    [ids.paymentId, ids.intentId],
  );
  return rows.map((r) => ({
    eventId: r.event_id,
    type: r.type ?? 'unknown',
    topic: r.topic,
    createdAt: r.created_at.toISOString(),
    publishedAt: iso(r.published_at),
    parkedAt: iso(r.parked_at),
  }));
}
