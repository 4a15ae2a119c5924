// SQL of complaints (migrations/1771600000000_complaints.sql) and the lookups that check a complaint's
// references belong to the client filing it.
import type { ComplaintStatus, ComplaintType } from '@gateway/contracts';
import type { Pool, PoolClient } from 'pg';
import type { PaymentFacts } from '../domain/complaint-check.ts';
import type { ComplaintRecord } from '../domain/complaint.ts';

type Row = {
  complaint_id: string;
  client_id: string;
  type: ComplaintType;
  status: ComplaintStatus;
  payment_id: string | null;
  channel_txn_id: string | null;
  intent_id: string | null;
  account_no: string | null;
  msisdn: string;
  description: string;
  due_by: Date;
  resolution: string | null;
  evidence: Record<string, unknown> | null;
  assigned_to: string | null;
  correlation_id: string;
  created_at: Date;
  updated_at: Date;
};

function recordOf(r: Row): ComplaintRecord {
  return {
    complaintId: r.complaint_id,
    clientId: r.client_id,
    type: r.type,
    status: r.status,
    paymentId: r.payment_id,
    channelTxnId: r.channel_txn_id,
    intentId: r.intent_id,
    accountNo: r.account_no,
    msisdn: r.msisdn,
    description: r.description,
    dueBy: r.due_by,
    resolution: r.resolution,
    evidence: r.evidence,
    assignedTo: r.assigned_to,
    correlationId: r.correlation_id,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export async function insertComplaint(client: PoolClient, c: ComplaintRecord): Promise<void> {
  await client.query(
    `INSERT INTO complaints (complaint_id, client_id, type, status, payment_id, channel_txn_id, intent_id, account_no, msisdn,
       description, due_by, resolution, evidence, correlation_id, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
    [
      c.complaintId,
      c.clientId,
      c.type,
      c.status,
      c.paymentId,
      c.channelTxnId,
      c.intentId,
      c.accountNo,
      c.msisdn,
      c.description,
      c.dueBy,
      c.resolution,
      c.evidence === null ? null : JSON.stringify(c.evidence),
      c.correlationId,
      c.createdAt,
      c.updatedAt,
    ],
  );
}

export async function findClientComplaint(db: Pool | PoolClient, clientId: string, complaintId: string): Promise<ComplaintRecord | null> {
  const { rows } = await db.query<Row>('SELECT * FROM complaints WHERE complaint_id = $1 AND client_id = $2', [complaintId, clientId]);
  return rows[0] === undefined ? null : recordOf(rows[0]);
}

/** Any client's complaint as it stands (no lock): the after-filing check reads it before asking other services. */
export async function findComplaintById(db: Pool | PoolClient, complaintId: string): Promise<ComplaintRecord | null> {
  const { rows } = await db.query<Row>('SELECT * FROM complaints WHERE complaint_id = $1', [complaintId]);
  return rows[0] === undefined ? null : recordOf(rows[0]);
}

/** Whether the client filed the payment (by id) or, for a channel, sent it under that channelTxnId. */
export async function clientOwnsPayment(db: PoolClient, clientId: string, ref: { paymentId?: string; channelTxnId?: string }): Promise<boolean> {
  const { rowCount } = await db.query(
    `SELECT 1 FROM payments
      WHERE client_id = $1 AND ($2::text IS NULL OR payment_id = $2) AND ($3::text IS NULL OR channel_txn_id = $3)
      LIMIT 1`,
    [clientId, ref.paymentId ?? null, ref.channelTxnId ?? null],
  );
  return (rowCount ?? 0) > 0;
}

export async function clientOwnsIntent(db: PoolClient, clientId: string, intentId: string): Promise<boolean> {
  const { rowCount } = await db.query('SELECT 1 FROM payment_intents WHERE client_id = $1 AND intent_id = $2', [clientId, intentId]);
  return (rowCount ?? 0) > 0;
}

/** The caller's payment a complaint names (by id, channelTxnId or the intent that made it), with its bills as the read model has them. */
export async function findComplaintPayment(
  db: PoolClient,
  clientId: string,
  ref: { paymentId: string | null; channelTxnId: string | null; intentId: string | null },
): Promise<PaymentFacts | null> {
  if (ref.paymentId === null && ref.channelTxnId === null && ref.intentId === null) return null;
  const { rows } = await db.query<{ payment_id: string; receipt_no: string; status: 'completed' | 'reversed'; paid_at: Date }>(
    `SELECT payment_id, receipt_no, status, paid_at FROM payments
      WHERE client_id = $1 AND ($2::text IS NULL OR payment_id = $2) AND ($3::text IS NULL OR channel_txn_id = $3) AND ($4::text IS NULL OR intent_id = $4)
      LIMIT 1`,
    [clientId, ref.paymentId, ref.channelTxnId, ref.intentId],
  );
  const payment = rows[0];
  if (payment === undefined) return null;
  const bills = await db.query<{ bill_id: string; amount: string; reversed: boolean; bill_status: string | null }>(
    `SELECT a.bill_id, a.amount, a.reversed_at IS NOT NULL AS reversed, b.status AS bill_status
       FROM payment_allocations a LEFT JOIN payable_bills b ON b.bill_id = a.bill_id
      WHERE a.payment_id = $1 ORDER BY a.bill_id`,
    [payment.payment_id],
  );
  return {
    paymentId: payment.payment_id,
    receiptNo: payment.receipt_no,
    status: payment.status,
    paidAt: payment.paid_at,
    bills: bills.rows.map((b) => ({ billId: b.bill_id, amount: Number(b.amount), reversed: b.reversed, billStatus: b.bill_status })),
  };
}

export async function findClientIntentStatus(db: PoolClient, clientId: string, intentId: string): Promise<{ intentId: string; status: string } | null> {
  const { rows } = await db.query<{ status: string }>('SELECT status FROM payment_intents WHERE client_id = $1 AND intent_id = $2', [clientId, intentId]);
  return rows[0] === undefined ? null : { intentId, status: rows[0].status };
}

/** Writes a complaint's new status, resolution, evidence and assignee (the caller holds the row or just inserted it). */
export async function updateComplaint(db: PoolClient, c: Pick<ComplaintRecord, 'complaintId' | 'status' | 'resolution' | 'evidence' | 'assignedTo' | 'updatedAt'>): Promise<void> {
  await db.query('UPDATE complaints SET status = $2, resolution = $3, evidence = $4, assigned_to = $5, updated_at = $6 WHERE complaint_id = $1', [
    c.complaintId,
    c.status,
    c.resolution,
    c.evidence === null ? null : JSON.stringify(c.evidence),
    c.assignedTo,
    c.updatedAt,
  ]);
}

/** Any client's complaint, locked for the operator action or the escalation that changes it. */
export async function lockComplaint(db: PoolClient, complaintId: string): Promise<ComplaintRecord | null> {
  const { rows } = await db.query<Row>('SELECT * FROM complaints WHERE complaint_id = $1 FOR UPDATE', [complaintId]);
  return rows[0] === undefined ? null : recordOf(rows[0]);
}

/** The operators' queue for one status, the nearest due time first. */
export async function listComplaints(db: Pool, status: ComplaintStatus, limit: number): Promise<ComplaintRecord[]> {
  const { rows } = await db.query<Row>('SELECT * FROM complaints WHERE status = $1 ORDER BY due_by, complaint_id LIMIT $2', [status, limit]);
  return rows.map(recordOf);
}

/**
 * Open complaints (logged or assigned) past their due time, locked; SKIP LOCKED so replicas running the
 * escalation pass at once each take other rows and none escalates a complaint twice.
 */
export async function lockOverdueComplaints(db: PoolClient, now: Date, limit: number): Promise<ComplaintRecord[]> {
  const { rows } = await db.query<Row>(
    `SELECT * FROM complaints WHERE status IN ('logged', 'assigned') AND due_by <= $1
      ORDER BY due_by LIMIT $2 FOR UPDATE SKIP LOCKED`,
    [now, limit],
  );
  return rows.map(recordOf);
}
