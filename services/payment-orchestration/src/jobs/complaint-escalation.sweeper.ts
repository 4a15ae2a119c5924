// Runs the turnaround clock (flows/escalate-overdue-complaints.flow.ts) on a timer, batch after batch,
// and counts each escalation by type (payments_complaints_escalated_total) for the alert.
import { createPeriodicTask } from '@gateway/kit';
import type { Logger } from '@gateway/kit';
import type { Pool } from 'pg';
import { Counter } from 'prom-client';
import type { Registry } from 'prom-client';
import { escalateOverdueComplaints } from '../flows/escalate-overdue-complaints.flow.ts';

export type ComplaintEscalationSweeperOptions = {
  pool: Pool;
  logger: Logger;
  /** How often to look; a complaint is escalated at most this long after its due time. */
  intervalMs: number;
  clock?: () => Date;
  batchSize?: number;
  registry?: Registry;
  topic?: string | undefined;
};

export type ComplaintEscalationSweeper = {
  start(): void;
  stop(): Promise<void>;
  /** One full pass; resolves with how many complaints it escalated. */
  sweep(): Promise<number>;
};

export function createComplaintEscalationSweeper(options: ComplaintEscalationSweeperOptions): ComplaintEscalationSweeper {
  const log = options.logger.child({ component: 'complaint-escalation' });
  const clock = options.clock ?? (() => new Date());
  const batchSize = options.batchSize ?? 100;
  const name = 'payments_complaints_escalated_total';
  const escalatedTotal =
    (options.registry?.getSingleMetric(name) as Counter<'type'> | undefined) ??
    new Counter({ name, help: 'Complaints escalated because their turnaround ran out, by type.', labelNames: ['type'], registers: options.registry ? [options.registry] : [] });

  async function sweep(): Promise<number> {
    let total = 0;
    for (;;) {
      const { claimed, escalated } = await escalateOverdueComplaints(options.pool, { now: clock(), batchSize, topic: options.topic });
      for (const c of escalated) {
        escalatedTotal.inc({ type: c.type });
        log.warn({ complaintId: c.complaintId, type: c.type, dueBy: c.dueBy.toISOString() }, 'complaint escalated: turnaround ran out');
      }
      total += escalated.length;
      // A short batch: nothing more is due (or the rest is another replica's, locked).
      if (claimed < batchSize) return total;
    }
  }

  const task = createPeriodicTask({ name: 'complaint escalation pass', intervalMs: options.intervalMs, run: sweep, logger: log });
  return { start: () => task.start(), stop: () => task.stop(), sweep };
}
