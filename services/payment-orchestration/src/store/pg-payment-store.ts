// Payments in Postgres: the rows record-payment.flow.ts writes (payment, allocations, ledger lines,
// receipt number), the locks it takes, and the payment's view for status inquiries. SQL only: what a
// payment may be is decided in flows/ and domain/.
//
// A new payment costs Postgres two round trips here, because every round trip costs the API and
// Postgres a pair of system calls and a wake-up, the largest cost on this path
// (bench/profile-payments.ts): lockPaymentTargets, the locks and reads that must each be a statement
// of their own (each with its own snapshot, see there) yet need no answer in between, as EXECUTEs of
// server-prepared statements in one simple query (kit's executeStatement: planned once per
// connection, not once per payment); then insertPayment, every row in one prepared statement. None
// selects `*`, which a prepared statement would hold to the columns of the day it was prepared.
import { money } from '@gateway/contracts';
import type { PaymentStatusResponse } from '@gateway/contracts';
import { executeStatement } from '@gateway/kit';
import type { Queryable, ServerStatement } from '@gateway/kit';
import type { PoolClient, QueryResult } from 'pg';
import type { AllocationLine, LedgerLine, PayableBill } from '../domain/allocation.ts';
import { payableBillFromRow } from './pg-bill-read-model-store.ts';
import type { PayableBillRow } from './pg-bill-read-model-store.ts';

/** The fields of GET /v1/payments/{id} (paymentStatusResponseSchema). */
export type PaymentView = PaymentStatusResponse;

/** The results of a simple query of several statements (pg answers an array for more than one). */
async function statements(client: PoolClient, sql: string): Promise<QueryResult[]> {
  return (await client.query(sql)) as unknown as QueryResult[];
}

// Prepared on the server, run with EXECUTE (kit's executeStatement): see the file comment.
const lockChannelTxnStatement: ServerStatement = {
  name: 'orchestration_lock_channel_txn',
  parameterTypes: ['text'],
  sql: 'SELECT pg_advisory_xact_lock(hashtextextended($1, 0))',
};
const paymentOfChannelTxnStatement: ServerStatement = {
  name: 'orchestration_payment_of_channel_txn',
  parameterTypes: ['text', 'text'],
  sql: 'SELECT payment_id, request_hash FROM payments WHERE channel_id = $1 AND channel_txn_id = $2',
};
/**
 * The three reads a payment locks and allocates by, over the payable bills of one account or, for a
 * public entity's one transfer (issue 16), of the entity across all its lines (the snapshot's
 * holder.entityId; its rows also name their line). Parameters: biller id, then account no or entity id.
 */
function targetStatements(scope: 'account' | 'entity'): { lock: ServerStatement; allocated: ServerStatement; held: ServerStatement } {
  const bills = `FROM payable_bills WHERE biller_id = $1 AND ${scope === 'account' ? 'account_no' : 'holder_entity_id'} = $2`;
  const parameterTypes = ['text', 'text'];
  return {
    lock: {
      name: `orchestration_lock_${scope}_bills`,
      parameterTypes,
      sql: `SELECT bill_id, external_bill_id, currency, amount, late_fee, allow_partial, min_amount, max_amount, essential,
               closed_externally, status, to_char(period_from, 'YYYY-MM-DD') AS period_from, to_char(due_date, 'YYYY-MM-DD') AS due_date,
               to_char(expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS expires_at${scope === 'entity' ? ', account_no' : ''}
        ${bills} ORDER BY bill_id FOR UPDATE`,
    },
    allocated: {
      name: `orchestration_allocated_to_${scope}`,
      parameterTypes,
      sql: `SELECT bill_id, sum(amount + waived) AS allocated FROM payment_allocations
        WHERE bill_id IN (SELECT bill_id ${bills}) AND reversed_at IS NULL
        GROUP BY bill_id`,
    },
    held: {
      name: `orchestration_held_${scope}_bills`,
      parameterTypes,
      sql: `SELECT DISTINCT bill_id FROM intent_bills WHERE held AND bill_id IN (SELECT bill_id ${bills})`,
    },
  };
}
const accountStatements = targetStatements('account');
const entityStatements = targetStatements('entity');

/**
 * The bills of one account, each row locked FOR UPDATE in bill_id order: two payments touching the
 * same bill (from any channel) queue here, and the second sees the first's allocations. Always
 * locking in one order means two payments over overlapping bills never deadlock.
 *
 * The allocations are summed in a second statement on purpose: under READ COMMITTED a statement
 * keeps the snapshot it started with even after waiting for a lock, so a sum computed alongside the
 * lock would miss the allocations of the payment we just waited for — and pay the bill twice. The
 * second statement finds the account's bills itself, so both go in one round trip.
 */
export async function lockAccountBills(client: PoolClient, billerId: string, accountNo: string): Promise<PayableBill[]> {
  const [locked, summed] = await statements(
    client,
    [await executeStatement(client, accountStatements.lock, [billerId, accountNo]), await executeStatement(client, accountStatements.allocated, [billerId, accountNo])].join(';'),
  );
  return accountBills(locked, summed);
}

function accountBills(locked: QueryResult | undefined, summed: QueryResult | undefined): PayableBill[] {
  const rows = (locked?.rows ?? []) as Omit<PayableBillRow, 'allocated'>[];
  const sums = (summed?.rows ?? []) as { bill_id: string; allocated: string }[];
  const allocated = new Map(sums.map((s) => [s.bill_id, s.allocated]));
  return rows.map((row) => payableBillFromRow({ ...row, allocated: allocated.get(row.bill_id) ?? '0' }));
}

export type PaymentTargets = {
  /** The payment this channel transaction already made, with its content fingerprint; null when none. */
  prior: { paymentId: string; requestHash: string } | null;
  /** The account's bills, locked (as lockAccountBills). */
  bills: PayableBill[];
  /** Which of them an intent holds. */
  heldBillIds: ReadonlySet<string>;
  /** Each bill's line (accountNo), for a public entity's bills only (they span several). */
  accountOf: ReadonlyMap<string, string>;
};

/**
 * What a new payment locks and reads before it decides, in one round trip: a simple query of five
 * statements, each with its own snapshot (so each sees what committed while the ones before it waited
 * for their locks):
 *   - one channelTxnId names one payment: the lock that serialises, until the caller's transaction
 *     ends, the requests that carry it (whatever their Idempotency-Key), then the payment it already
 *     made, seen once the lock is granted (the payment of a request we waited for);
 *   - the account's bills locked, their allocations summed (see lockAccountBills), and which of them
 *     an intent holds (supersede-intents.flow.ts). Every hold is taken under the bills' locks (intent
 *     creation, retakeBillHold), so none appears before this payment commits.
 * A repeat of a known channelTxnId locks the bills too, which it then leaves alone: harmless, and in
 * the order every payment locks (channel transaction, then bills in bill_id order).
 */
export async function lockPaymentTargets(
  client: PoolClient,
  p: { channelId: string; channelTxnId: string; billerId: string; accountNo: string; entityId?: string | null | undefined },
): Promise<PaymentTargets> {
  // A public entity's payment locks all the entity's bills of the biller, in the same bill_id order.
  const entityId = p.entityId ?? null;
  const entity = entityId !== null;
  const reads = entity ? entityStatements : accountStatements;
  const target = [p.billerId, entityId ?? p.accountNo];
  const [, found, locked, summed, held] = await statements(
    client,
    [
      await executeStatement(client, lockChannelTxnStatement, [`txn:${p.channelId}:${p.channelTxnId}`]),
      await executeStatement(client, paymentOfChannelTxnStatement, [p.channelId, p.channelTxnId]),
      await executeStatement(client, reads.lock, target),
      await executeStatement(client, reads.allocated, target),
      await executeStatement(client, reads.held, target),
    ].join(';'),
  );
  const row = (found?.rows ?? [])[0] as { payment_id: string; request_hash: string } | undefined;
  const lines = entity ? ((locked?.rows ?? []) as { bill_id: string; account_no: string }[]) : [];
  return {
    prior: row === undefined ? null : { paymentId: row.payment_id, requestHash: row.request_hash },
    bills: accountBills(locked, summed),
    heldBillIds: new Set(((held?.rows ?? []) as { bill_id: string }[]).map((r) => r.bill_id)),
    accountOf: new Map(lines.map((r) => [r.bill_id, r.account_no])),
  };
}

export async function writeLedger(client: Queryable, txnId: string, lines: readonly LedgerLine[]): Promise<void> {
  await client.query(
    `INSERT INTO ledger_entries (txn_id, entry_no, account, amount, currency)
     SELECT $1, n, account, amount, currency
     FROM unnest($2::text[], $3::bigint[], $4::text[]) WITH ORDINALITY AS t(account, amount, currency, n)`,
    [txnId, lines.map((l) => l.account), lines.map((l) => l.amount), lines.map((l) => l.currency)],
  );
}

export type NewPayment = {
  paymentId: string;
  /** The receipt number is this followed by the next number of the receipt sequence, at least 6 digits. */
  receiptPrefix: string;
  clientId: string;
  channelId: string;
  channelTxnId: string;
  source: 'channel' | 'intent';
  intentId: string | null;
  billerId: string;
  accountNo: string;
  /** A public entity's payment for all its lines (then accountNo is the entityId too); null otherwise. */
  entityId: string | null;
  amount: number;
  fee: number;
  currency: string;
  paidAt: string;
  businessDate: string;
  inquiryRef: string | null;
  payerMsisdn: string | null;
  requestHash: string;
  correlationId: string;
};

// One statement for the payment row, its receipt number, its allocations and its ledger lines. The
// CTEs all run, to completion, whether or not the final SELECT reads them; the allocations' foreign
// key is checked at the end of the statement, when the payment row exists.
const insertPaymentSql = `
  WITH receipt AS (
    SELECT $2 || lpad(n::text, greatest(6, length(n::text)), '0') AS receipt_no FROM (SELECT nextval('receipt_no_seq') AS n) seq
  ), payment AS (
    INSERT INTO payments (payment_id, receipt_no, client_id, channel_id, channel_txn_id, source, intent_id, biller_id,
      account_no, amount, fee, currency, paid_at, business_date, status, inquiry_ref, payer_msisdn, request_hash, correlation_id, entity_id)
    VALUES ($1, (SELECT receipt_no FROM receipt), $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 'completed', $15, $16, $17, $18, $26)
    RETURNING receipt_no
  ), allocations AS (
    INSERT INTO payment_allocations (payment_id, bill_id, external_bill_id, amount, waived, currency)
    SELECT $1, bill_id, external_bill_id, amount, waived, $12
    FROM unnest($19::text[], $20::text[], $21::bigint[], $22::bigint[]) AS t(bill_id, external_bill_id, amount, waived)
  ), ledger AS (
    INSERT INTO ledger_entries (txn_id, entry_no, account, amount, currency)
    SELECT $1, n, account, amount, currency
    FROM unnest($23::text[], $24::bigint[], $25::text[]) WITH ORDINALITY AS t(account, amount, currency, n)
  )
  SELECT receipt_no FROM payment`;

/** Writes a new payment with its allocations and ledger lines, in one round trip; returns its receipt number. */
export async function insertPayment(client: Queryable, p: NewPayment, allocations: readonly AllocationLine[], ledger: readonly LedgerLine[]): Promise<string> {
  const { rows } = await client.query<{ receipt_no: string }>({
    name: 'orchestration-insert-payment',
    text: insertPaymentSql,
    values: [
      p.paymentId,
      p.receiptPrefix,
      p.clientId,
      p.channelId,
      p.channelTxnId,
      p.source,
      p.intentId,
      p.billerId,
      p.accountNo,
      p.amount,
      p.fee,
      p.currency,
      p.paidAt,
      p.businessDate,
      p.inquiryRef,
      p.payerMsisdn,
      p.requestHash,
      p.correlationId,
      allocations.map((a) => a.billId),
      allocations.map((a) => a.externalBillId),
      allocations.map((a) => a.amount),
      allocations.map((a) => a.waived),
      ledger.map((l) => l.account),
      ledger.map((l) => l.amount),
      ledger.map((l) => l.currency),
      p.entityId,
    ],
  });
  const receiptNo = rows[0]?.receipt_no;
  if (receiptNo === undefined) throw new Error(`payment ${p.paymentId} was not inserted`);
  return receiptNo;
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
  /** A public entity's one transfer for all its lines (issue 16); null on an account's payment. */
  entity_id: string | null;
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
  | 'entity_id'
> & {
  allocations: { billId: string; accountNo?: string; amount: number }[];
  reversal_id: string | null;
  reversal_reason: string | null;
  reversed_at: Date | null;
};

const paymentViewSql = `
  SELECT p.payment_id, p.receipt_no, p.status, p.client_id, p.channel_id, p.channel_txn_id, p.biller_id, p.account_no,
         p.amount, p.fee, p.currency, p.paid_at, to_char(p.business_date, 'YYYY-MM-DD') AS business_date,
         p.entity_id,
         -- A public entity's payment names each allocation's line (its bills span several).
         (SELECT json_agg(CASE WHEN p.entity_id IS NULL THEN json_build_object('billId', a.bill_id, 'amount', a.amount)
                               ELSE json_build_object('billId', a.bill_id, 'accountNo', b.account_no, 'amount', a.amount) END
                          ORDER BY a.bill_id)
            FROM payment_allocations a LEFT JOIN payable_bills b ON b.bill_id = a.bill_id WHERE a.payment_id = p.payment_id) AS allocations,
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
    allocations: (row.allocations ?? []).map((a) =>
      a.accountNo === undefined ? { billId: a.billId, amount: money(a.amount, currency) } : { billId: a.billId, accountNo: a.accountNo, amount: money(a.amount, currency) },
    ),
    amount: money(BigInt(row.amount), currency),
    fee: money(BigInt(row.fee), currency),
    paidAt: row.paid_at.toISOString(),
    businessDate: row.business_date,
  };
  if (row.entity_id !== null) view.entityId = row.entity_id;
  if (row.reversal_id !== null && row.reversed_at !== null) {
    view.reversal = { reversalId: row.reversal_id, reason: row.reversal_reason ?? '', reversedAt: row.reversed_at.toISOString() };
  }
  return view;
}

export async function loadPaymentView(client: Queryable, paymentId: string): Promise<PaymentView | null> {
  const { rows } = await client.query<PaymentRow>(`${paymentViewSql} WHERE p.payment_id = $1`, [paymentId]);
  return rows[0] === undefined ? null : toView(rows[0]);
}

/** Status inquiry: a client sees only its own payments (another's is simply not found). */
export async function findClientPayment(
  db: Queryable,
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
