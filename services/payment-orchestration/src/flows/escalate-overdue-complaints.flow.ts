// The turnaround clock: open complaints (logged or assigned) past their due time are escalated, each
// with complaint.escalated (reason 'due') and an audit row by the clock, one batch per transaction. The
// rows are taken FOR UPDATE SKIP LOCKED, so several replicas may run this at once and each complaint is
// escalated once (an operator's action on the same row waits for, then sees, the escalation).
import { withTransaction } from '@gateway/kit';
import type { Pool } from 'pg';
import type { ComplaintRecord } from '../domain/complaint.ts';
import { lockOverdueComplaints } from '../store/pg-complaint-store.ts';
import { changeComplaint } from './complaint-change.ts';

export const turnaroundClockActor = 'turnaround-clock';

export async function escalateOverdueComplaints(
  pool: Pool,
  options: { now: Date; batchSize: number; topic?: string | undefined },
): Promise<{ claimed: number; escalated: ComplaintRecord[] }> {
  return withTransaction(pool, async (tx) => {
    const due = await lockOverdueComplaints(tx, options.now, options.batchSize);
    const escalated: ComplaintRecord[] = [];
    for (const complaint of due) {
      escalated.push(
        await changeComplaint(tx, complaint, 'escalated', {
          now: options.now,
          actor: turnaroundClockActor,
          note: `Not resolved by ${complaint.dueBy.toISOString()}.`,
          escalation: 'due',
          requestId: null,
          correlationId: complaint.correlationId,
          topic: options.topic,
        }),
      );
    }
    return { claimed: due.length, escalated };
  });
}
