// Works the status-inquiry schedules kept in channel_debits: every debit whose outcome is unknown
// (or whose call was cut short by a crash) is asked about when its next inquiry falls due, until the
// channel gives an answer or the schedule runs out. The schedule is in Postgres, so a restart, or
// another replica, picks it up exactly where it was.
//
// Claims are leases (the due time is pushed past the inquiry's timeout), taken with FOR UPDATE SKIP
// LOCKED, so replicas share the work without asking twice at once, and no row lock is held while a
// channel is being asked.
import { createPeriodicTask } from '@gateway/kit';
import type { Logger } from '@gateway/kit';
import type { Pool } from 'pg';
import { Counter } from 'prom-client';
import type { Registry } from 'prom-client';
import type { ChannelGateway } from '../channels/channel-gateway.ts';
import { claimDueDebits } from '../store/pg-debit-store.ts';
import type { DebitFlows } from '../flows/debit-flows.ts';

export type StatusInquiryPollerOptions = {
  pool: Pool;
  debits: DebitFlows;
  gateway: ChannelGateway;
  logger: Logger;
  intervalMs: number;
  batchSize?: number;
  clock?: () => Date;
  registry?: Registry | undefined;
};

export type StatusInquiryPoller = {
  start(): void;
  /** Cancels the next pass and waits for the one in progress. */
  stop(): Promise<void>;
  /** One full pass over what is due now; resolves with how many inquiries were made. */
  poll(): Promise<number>;
};

export function createStatusInquiryPoller(options: StatusInquiryPollerOptions): StatusInquiryPoller {
  const { pool, debits, gateway } = options;
  const log = options.logger.child({ component: 'status-inquiry' });
  const clock = options.clock ?? (() => new Date());
  const batchSize = options.batchSize ?? 50;
  const existing = options.registry?.getSingleMetric('bank_adapter_status_inquiries_total');
  const inquiries =
    (existing as Counter<'channel' | 'outcome'> | undefined) ??
    new Counter({
      name: 'bank_adapter_status_inquiries_total',
      help: 'Scheduled status inquiries by channel and the state they left the debit in.',
      labelNames: ['channel', 'outcome'],
      registers: options.registry ? [options.registry] : [],
    });
  // Long enough for the slowest channel's call to end before another replica may claim the row again.
  const leaseMs = Math.max(...gateway.registry.channels.map((c) => c.breaker.timeoutMs)) * 2 + 1_000;

  async function poll(): Promise<number> {
    let total = 0;
    for (;;) {
      const due = await claimDueDebits(pool, clock(), leaseMs, batchSize, debits.inFlight());
      // Channels are asked in parallel (each through its own lane and limit); one slow channel's
      // inquiries do not hold back another's.
      const results = await Promise.allSettled(due.map((record) => debits.inquireDue(record)));
      results.forEach((result, i) => {
        const record = due[i]!;
        if (result.status === 'fulfilled') {
          inquiries.inc({ channel: record.channelId, outcome: result.value });
          log.info({ intentId: record.intentId, channelId: record.channelId, attempt: record.attempts + 1, outcome: result.value }, 'status inquiry');
        } else {
          // The lease runs out and the inquiry is made again; nothing is lost.
          log.error({ err: result.reason, intentId: record.intentId, channelId: record.channelId }, 'status inquiry failed to record');
        }
      });
      total += due.length;
      if (due.length < batchSize) return total;
    }
  }

  const task = createPeriodicTask({ name: 'status inquiry pass', intervalMs: options.intervalMs, run: poll, logger: log });

  return {
    start: () => task.start(),
    stop: () => task.stop(),
    poll,
  };
}
