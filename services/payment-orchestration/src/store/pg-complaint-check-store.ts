// SQL of the after-filing complaint checks (flows/check-complaint.flow.ts): the complaint as it stands,
// and the client's own debits of the customer's account around it (intents and channels' own
// payments), with what each bought and its refund as this service recorded them.
import type { Pool } from 'pg';

export type IntentDebitRow = {
  intentId: string;
  channelId: string;
  accountNo: string;
  amount: number;
  fee: number;
  currency: string;
  status: string;
  createdAt: Date;
  payment: { paymentId: string; receiptNo: string; status: 'completed' | 'reversed' } | null;
  refund: { status: string; requestedAt: Date | null; refundedAt: Date | null; reversalId: string | null } | null;
};

export type ChannelPaymentRow = {
  paymentId: string;
  receiptNo: string;
  channelId: string;
  channelTxnId: string;
  accountNo: string;
  amount: number;
  fee: number;
  currency: string;
  status: 'completed' | 'reversed';
  paidAt: Date;
  reversedAt: Date | null;
};

type IntentRow = {
  intent_id: string;
  channel_id: string;
  account_no: string;
  amount: string;
  fee: string;
  currency: string;
  status: string;
  created_at: Date;
  payment_id: string | null;
  receipt_no: string | null;
  payment_status: 'completed' | 'reversed' | null;
  refund_status: string | null;
  refund_requested_at: Date | null;
  refunded_at: Date | null;
  refund_reversal_id: string | null;
};

const intentSelect = `SELECT i.intent_id, i.channel_id, i.account_no, i.amount, i.fee, i.currency, i.status, i.created_at,
    p.payment_id, p.receipt_no, p.status AS payment_status, i.refund_status, i.refund_requested_at, i.refunded_at, i.refund_reversal_id
  FROM payment_intents i LEFT JOIN payments p ON p.payment_id = i.payment_id`;

function intentOf(r: IntentRow): IntentDebitRow {
  return {
    intentId: r.intent_id,
    channelId: r.channel_id,
    accountNo: r.account_no,
    amount: Number(r.amount),
    fee: Number(r.fee),
    currency: r.currency.trim(),
    status: r.status,
    createdAt: r.created_at,
    payment: r.payment_id === null || r.receipt_no === null || r.payment_status === null ? null : { paymentId: r.payment_id, receiptNo: r.receipt_no, status: r.payment_status },
    refund: r.refund_status === null ? null : { status: r.refund_status, requestedAt: r.refund_requested_at, refundedAt: r.refunded_at, reversalId: r.refund_reversal_id },
  };
}

type PaymentRow = {
  payment_id: string;
  receipt_no: string;
  channel_id: string;
  channel_txn_id: string;
  account_no: string;
  amount: string;
  fee: string;
  currency: string;
  status: 'completed' | 'reversed';
  paid_at: Date;
  reversed_at: Date | null;
  source: 'channel' | 'intent';
  intent_id: string | null;
};

const paymentSelect = `SELECT p.payment_id, p.receipt_no, p.channel_id, p.channel_txn_id, p.account_no, p.amount, p.fee, p.currency, p.status, p.paid_at,
    r.reversed_at, p.source, p.intent_id
  FROM payments p LEFT JOIN reversals r ON r.payment_id = p.payment_id`;

function paymentOf(r: PaymentRow): ChannelPaymentRow {
  return {
    paymentId: r.payment_id,
    receiptNo: r.receipt_no,
    channelId: r.channel_id,
    channelTxnId: r.channel_txn_id,
    accountNo: r.account_no,
    amount: Number(r.amount),
    fee: Number(r.fee),
    currency: r.currency.trim(),
    status: r.status,
    paidAt: r.paid_at,
    reversedAt: r.reversed_at,
  };
}

/** The debit a complaint names (its intent, or its payment: a channel's own, or the intent that made it); null when it names none. */
export async function findNamedDebit(
  db: Pool,
  clientId: string,
  ref: { paymentId: string | null; channelTxnId: string | null; intentId: string | null },
): Promise<{ intent: IntentDebitRow } | { payment: ChannelPaymentRow } | null> {
  if (ref.intentId !== null) {
    const { rows } = await db.query<IntentRow>(`${intentSelect} WHERE i.client_id = $1 AND i.intent_id = $2`, [clientId, ref.intentId]);
    return rows[0] === undefined ? null : { intent: intentOf(rows[0]) };
  }
  if (ref.paymentId === null && ref.channelTxnId === null) return null;
  const { rows } = await db.query<PaymentRow>(
    `${paymentSelect} WHERE p.client_id = $1 AND ($2::text IS NULL OR p.payment_id = $2) AND ($3::text IS NULL OR p.channel_txn_id = $3) LIMIT 1`,
    [clientId, ref.paymentId, ref.channelTxnId],
  );
  const payment = rows[0];
  if (payment === undefined) return null;
  if (payment.source === 'intent' && payment.intent_id !== null) {
    const intent = await db.query<IntentRow>(`${intentSelect} WHERE i.client_id = $1 AND i.intent_id = $2`, [clientId, payment.intent_id]);
    if (intent.rows[0] !== undefined) return { intent: intentOf(intent.rows[0]) };
  }
  return { payment: paymentOf(payment) };
}

/** The client's intents and own channel payments for the account between `from` and `to`, oldest first. */
export async function findAccountDebits(db: Pool, clientId: string, accountNo: string, from: Date, to: Date): Promise<{ intents: IntentDebitRow[]; payments: ChannelPaymentRow[] }> {
  const [intents, payments] = await Promise.all([
    db.query<IntentRow>(`${intentSelect} WHERE i.client_id = $1 AND i.account_no = $2 AND i.created_at BETWEEN $3 AND $4 ORDER BY i.created_at, i.intent_id LIMIT 50`, [
      clientId,
      accountNo,
      from,
      to,
    ]),
    db.query<PaymentRow>(
      `${paymentSelect} WHERE p.client_id = $1 AND p.account_no = $2 AND p.source = 'channel' AND p.paid_at BETWEEN $3 AND $4 ORDER BY p.paid_at, p.payment_id LIMIT 50`,
      [clientId, accountNo, from, to],
    ),
  ]);
  return { intents: intents.rows.map(intentOf), payments: payments.rows.map(paymentOf) };
}
