// A channel or the portal files a complaint for a customer: its references must be the caller's own
// (another client's payment or intent is not found, exactly like one that does not exist), the msisdn a
// Syrian mobile, and its due time is the type's turnaround from now. The row and complaint.logged
// commit together (transactional outbox), in the caller's idempotent transaction. The automatic first
// check of a paid_not_settled runs in the same transaction (domain/complaint-check.ts): it needs only
// this service's tables, so one whose bills billing settled is resolved before the answer
// (complaint.resolved). The other types need the channel's or notification's word over HTTP, which has
// no place in this transaction: their check runs after filing (flows/check-complaint.flow.ts, on
// complaint.logged), and until then their evidence is null.
import { createEvent } from '@gateway/contracts';
import type { ComplaintBody } from '@gateway/contracts';
import { enqueueEvent } from '@gateway/kit';
import type { PoolClient } from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { checkPaidNotSettled } from '../domain/complaint-check.ts';
import { complaintEventPayload, dueByOf, syrianMobile } from '../domain/complaint.ts';
import type { ComplaintRecord, ComplaintTurnarounds } from '../domain/complaint.ts';
import { serviceName } from '../service-name.ts';
import { clientOwnsIntent, clientOwnsPayment, findClientIntentStatus, findComplaintPayment, insertComplaint, updateComplaint } from '../store/pg-complaint-store.ts';

export type FileComplaintOutcome =
  | { kind: 'filed'; complaint: ComplaintRecord }
  | { kind: 'invalid'; field: string; problem: string }
  | { kind: 'not_found'; message: string };

export async function fileComplaint(
  tx: PoolClient,
  input: { clientId: string; body: ComplaintBody; correlationId: string },
  ctx: { now: Date; turnarounds: ComplaintTurnarounds; topic?: string | undefined },
): Promise<FileComplaintOutcome> {
  const { body } = input;
  const msisdn = syrianMobile(body.msisdn);
  if (msisdn === null) return { kind: 'invalid', field: 'body.msisdn', problem: 'is not a Syrian mobile number (+9639…, 009639…, 9639… or 09…)' };
  if (body.paymentId !== undefined || body.channelTxnId !== undefined) {
    const ref = { ...(body.paymentId === undefined ? {} : { paymentId: body.paymentId }), ...(body.channelTxnId === undefined ? {} : { channelTxnId: body.channelTxnId }) };
    if (!(await clientOwnsPayment(tx, input.clientId, ref))) {
      return { kind: 'not_found', message: `Payment ${body.paymentId ?? body.channelTxnId ?? ''} was not found.` };
    }
  }
  if (body.intentId !== undefined && !(await clientOwnsIntent(tx, input.clientId, body.intentId))) {
    return { kind: 'not_found', message: `Payment intent ${body.intentId} was not found.` };
  }

  const complaint: ComplaintRecord = {
    complaintId: `cmp_${uuidv7()}`,
    clientId: input.clientId,
    type: body.type,
    status: 'logged',
    paymentId: body.paymentId ?? null,
    channelTxnId: body.channelTxnId ?? null,
    intentId: body.intentId ?? null,
    accountNo: body.accountNo ?? null,
    msisdn,
    description: body.description,
    dueBy: dueByOf(body.type, ctx.now, ctx.turnarounds),
    resolution: null,
    evidence: null,
    assignedTo: null,
    correlationId: input.correlationId,
    createdAt: ctx.now,
    updatedAt: ctx.now,
  };
  await insertComplaint(tx, complaint);
  await enqueueEvent(
    tx,
    createEvent('complaint.logged', {
      producer: serviceName,
      key: complaint.complaintId,
      correlationId: input.correlationId,
      causationId: null,
      occurredAt: ctx.now,
      payload: { ...complaintEventPayload(complaint), status: 'logged' },
    }),
    ctx.topic,
  );

  if (complaint.type !== 'paid_not_settled') return { kind: 'filed', complaint };
  const facts = {
    payment: await findComplaintPayment(tx, input.clientId, complaint),
    intent: complaint.intentId === null ? null : await findClientIntentStatus(tx, input.clientId, complaint.intentId),
  };
  const check = checkPaidNotSettled(facts);
  const checked: ComplaintRecord =
    check.kind === 'resolved' ? { ...complaint, status: 'resolved', resolution: check.resolution, evidence: check.evidence } : { ...complaint, evidence: check.evidence };
  await updateComplaint(tx, checked);
  if (check.kind === 'resolved') {
    await enqueueEvent(
      tx,
      createEvent('complaint.resolved', {
        producer: serviceName,
        key: complaint.complaintId,
        correlationId: input.correlationId,
        causationId: null,
        occurredAt: ctx.now,
        payload: { ...complaintEventPayload(checked), status: 'resolved', resolution: check.resolution, resolvedBy: 'automatic-check', resolvedAt: ctx.now.toISOString() },
      }),
      ctx.topic,
    );
  }
  return { kind: 'filed', complaint: checked };
}
