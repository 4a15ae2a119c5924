// The step every change of a complaint's status ends with (an operator's action, the escalation job): the
// row, its complaint.* event (transactional outbox) and the audit row (who, from what, to what) commit
// together in the caller's transaction, on a row the caller locked.
import { createEvent } from '@gateway/contracts';
import type { ComplaintStatus } from '@gateway/contracts';
import { appendAudit, enqueueEvent } from '@gateway/kit';
import type { PoolClient } from 'pg';
import { complaintEventPayload } from '../domain/complaint.ts';
import type { ComplaintRecord } from '../domain/complaint.ts';
import { serviceName } from '../service-name.ts';
import { updateComplaint } from '../store/pg-complaint-store.ts';

export type ComplaintChangeContext = {
  now: Date;
  /** The operator (kit's operatorActor) or the job's name. */
  actor: string;
  note: string | null;
  /** Why an escalation happened: the clock ran out, or a person chose to. */
  escalation?: 'due' | 'operator';
  requestId: string | null;
  correlationId: string;
  topic?: string | undefined;
};

function eventOf(after: ComplaintRecord, ctx: ComplaintChangeContext) {
  const base = { producer: serviceName, key: after.complaintId, correlationId: ctx.correlationId, causationId: null, occurredAt: ctx.now };
  const snapshot = complaintEventPayload(after);
  const at = ctx.now.toISOString();
  switch (after.status) {
    case 'assigned':
      return createEvent('complaint.assigned', { ...base, payload: { ...snapshot, status: 'assigned', assignedTo: ctx.actor, assignedAt: at } });
    case 'resolved':
      return createEvent('complaint.resolved', { ...base, payload: { ...snapshot, status: 'resolved', resolution: after.resolution ?? '', resolvedBy: ctx.actor, resolvedAt: at } });
    case 'rejected':
      return createEvent('complaint.rejected', { ...base, payload: { ...snapshot, status: 'rejected', resolution: after.resolution ?? '', rejectedBy: ctx.actor, rejectedAt: at } });
    case 'escalated':
      return createEvent('complaint.escalated', {
        ...base,
        payload: { ...snapshot, status: 'escalated', reason: ctx.escalation ?? 'operator', escalatedBy: ctx.actor, escalatedAt: at },
      });
    case 'logged':
      throw new Error('a complaint never goes back to logged');
  }
}

export async function changeComplaint(tx: PoolClient, before: ComplaintRecord, to: ComplaintStatus, ctx: ComplaintChangeContext): Promise<ComplaintRecord> {
  const after: ComplaintRecord = {
    ...before,
    status: to,
    resolution: to === 'resolved' || to === 'rejected' ? ctx.note : before.resolution,
    assignedTo: to === 'assigned' ? ctx.actor : before.assignedTo,
    updatedAt: ctx.now,
  };
  await updateComplaint(tx, after);
  await enqueueEvent(tx, eventOf(after, ctx), ctx.topic);
  await appendAudit(tx, {
    actor: ctx.actor,
    action: `complaint.${to}`,
    target: after.complaintId,
    detail: { from: before.status, to, note: ctx.note, ...(to === 'escalated' ? { reason: ctx.escalation ?? 'operator' } : {}) },
    requestId: ctx.requestId,
  });
  return after;
}
