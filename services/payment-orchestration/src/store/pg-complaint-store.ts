// SQL of complaints (migrations/1771600000000_complaints.sql) and the lookups that check a complaint's
// references belong to the client filing it.
import type { ComplaintStatus, ComplaintType } from '@gateway/contracts';
import type { Pool, PoolClient } from 'pg';
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
