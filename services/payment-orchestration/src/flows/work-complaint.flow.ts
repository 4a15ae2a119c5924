// An operator works a complaint from the queue: assign (to themselves), resolve or reject (the note is
// the resolution the customer is told), escalate. The same action again answers the complaint unchanged
// (no event, no audit row), so a retried click is harmless; a closed complaint is not changed otherwise.
import type { PoolClient } from 'pg';
import { decideComplaintAction } from '../domain/complaint.ts';
import type { ComplaintAction, ComplaintRecord } from '../domain/complaint.ts';
import { lockComplaint } from '../store/pg-complaint-store.ts';
import { changeComplaint } from './complaint-change.ts';
import type { ComplaintChangeContext } from './complaint-change.ts';

export type WorkComplaintOutcome =
  | { kind: 'done'; complaint: ComplaintRecord; repeated: boolean }
  | { kind: 'not_found' }
  | { kind: 'note_required' }
  | { kind: 'refused'; status: ComplaintRecord['status'] };

export async function workComplaint(
  tx: PoolClient,
  input: { complaintId: string; action: ComplaintAction },
  ctx: Omit<ComplaintChangeContext, 'escalation'>,
): Promise<WorkComplaintOutcome> {
  const complaint = await lockComplaint(tx, input.complaintId);
  if (complaint === null) return { kind: 'not_found' };
  const decision = decideComplaintAction(complaint.status, input.action);
  if (decision.kind === 'repeat') return { kind: 'done', complaint, repeated: true };
  if (decision.kind === 'refused') return { kind: 'refused', status: complaint.status };
  if ((input.action === 'resolve' || input.action === 'reject') && ctx.note === null) return { kind: 'note_required' };
  const after = await changeComplaint(tx, complaint, decision.to, { ...ctx, escalation: 'operator' });
  return { kind: 'done', complaint: after, repeated: false };
}
