// Works the inquiry schedules kept in channel_refunds: every refund whose reversal got no answer (or
// whose call was cut short by a crash) is resolved when its next inquiry falls due, by asking the
// channel (flows/resolve-due-refund.flow.ts), until the channel says or the schedule runs out. Claims are leases
// taken with FOR UPDATE SKIP LOCKED, so replicas share the work, as the debits' poller does.
import { createPeriodicTask } from '@gateway/kit';
import type { Logger } from '@gateway/kit';
import type { Pool } from 'pg';
import type { ChannelGateway } from '../channels/channel-gateway.ts';
import { claimDueRefunds } from '../store/pg-refund-store.ts';
import type { RefundFlows } from '../flows/refund-flows.ts';

export type RefundInquiryPoller = { start(): void; stop(): Promise<void>; poll(): Promise<number> };

export function createRefundInquiryPoller(options: {
  pool: Pool;
  refunds: RefundFlows;
  gateway: ChannelGateway;
  logger: Logger;
  intervalMs: number;
  batchSize?: number;
  clock?: () => Date;
}): RefundInquiryPoller {
  const log = options.logger.child({ component: 'refund-inquiry' });
  const clock = options.clock ?? (() => new Date());
  const batchSize = options.batchSize ?? 50;
  // An inquiry and a reversal may both run in one pass: twice the slowest call, and some.
  const leaseMs = Math.max(...options.gateway.registry.channels.map((c) => c.breaker.timeoutMs)) * 4 + 1_000;

  async function poll(): Promise<number> {
    let total = 0;
    for (;;) {
      const due = await claimDueRefunds(options.pool, clock(), leaseMs, batchSize, options.refunds.inFlight());
      const results = await Promise.allSettled(due.map((record) => options.refunds.resolveDue(record)));
      results.forEach((result, i) => {
        const record = due[i]!;
        if (result.status === 'fulfilled') log.info({ intentId: record.intentId, channelId: record.channelId, attempt: record.attempts + 1, outcome: result.value }, 'refund inquiry');
        else log.error({ err: result.reason, intentId: record.intentId, channelId: record.channelId }, 'refund inquiry failed to record');
      });
      total += due.length;
      if (due.length < batchSize) return total;
    }
  }

  const task = createPeriodicTask({ name: 'refund inquiry pass', intervalMs: options.intervalMs, run: poll, logger: log });
  return { start: () => task.start(), stop: () => task.stop(), poll };
}
