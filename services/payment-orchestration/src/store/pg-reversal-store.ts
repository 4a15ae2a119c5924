// Reversals in Postgres: the payment as a reversal locks it, the reversal row, and the payment and
// allocations it marks. SQL only: whether a payment may still be reversed is reverse-payment.flow.ts's.
import type { Queryable } from '@gateway/kit';
import type { PaymentsColumns } from './pg-payment-store.ts';

// Exactly the columns the locking SELECT below names.
export type ReversiblePaymentRow = Pick<
  PaymentsColumns,
  | 'payment_id'
  | 'receipt_no'
  | 'source'
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
  | 'intent_id'
  | 'inquiry_ref'
  | 'payer_msisdn'
  | 'entity_id'
>;

export type ReversalRow = { reversal_id: string; status: 'completed' | 'pending'; payment_id: string; amount: string; currency: string; reversed_at: Date };

/** The client's payment, locked: the row lock serialises two reversals of one payment (under different keys). */
export async function lockClientPayment(client: Queryable, paymentId: string, clientId: string): Promise<ReversiblePaymentRow | null> {
  const { rows } = await client.query<ReversiblePaymentRow>(
    `SELECT payment_id, receipt_no, source, client_id, channel_id, channel_txn_id, biller_id, account_no, amount, fee, currency,
            paid_at, to_char(business_date, 'YYYY-MM-DD') AS business_date, intent_id, inquiry_ref, payer_msisdn, entity_id
     FROM payments WHERE payment_id = $1 AND client_id = $2 FOR UPDATE`,
    [paymentId, clientId],
  );
  return rows[0] ?? null;
}

export async function findReversalOf(client: Queryable, paymentId: string): Promise<ReversalRow | null> {
  const { rows } = await client.query<ReversalRow>(
    `SELECT reversal_id, status, payment_id, amount, currency, reversed_at FROM reversals WHERE payment_id = $1`,
    [paymentId],
  );
  return rows[0] ?? null;
}

export type NewReversal = {
  reversalId: string;
  paymentId: string;
  clientId: string;
  channelId: string;
  reason: string;
  amount: number;
  fee: number;
  currency: string;
  reversedAt: string;
  businessDate: string;
};

/**
 * The reversal row, the payment marked reversed and its live allocations released (the bills are
 * payable again here at once); returns the allocations it released.
 */
export async function insertReversal(
  client: Queryable,
  r: NewReversal,
): Promise<{ bill_id: string; external_bill_id: string; amount: string; waived: string }[]> {
  await client.query(
    `INSERT INTO reversals (reversal_id, payment_id, client_id, channel_id, reason, amount, fee, currency, status, reversed_at, business_date)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'completed', $9, $10)`,
    [r.reversalId, r.paymentId, r.clientId, r.channelId, r.reason, r.amount, r.fee, r.currency, r.reversedAt, r.businessDate],
  );
  await client.query(`UPDATE payments SET status = 'reversed' WHERE payment_id = $1`, [r.paymentId]);
  const { rows } = await client.query<{ bill_id: string; external_bill_id: string; amount: string; waived: string }>(
    `UPDATE payment_allocations SET reversed_at = $2 WHERE payment_id = $1 AND reversed_at IS NULL
     RETURNING bill_id, external_bill_id, amount, waived`,
    [r.paymentId, r.reversedAt],
  );
  return rows;
}
