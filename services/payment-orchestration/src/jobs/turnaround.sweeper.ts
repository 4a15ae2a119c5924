// The turnaround engine for stuck payments (issue 15): every TURNAROUND_INTERVAL, batch after batch of
// flows/act-on-stuck-intents.flow.ts (the rule is domain/turnaround.ts). Each action is counted by
// channel and subject (debit, refund) and logged, so a stuck payment is never silent: inquiries in
// payments_turnaround_inquiries_total, escalations in payments_turnaround_escalated_total (the alert).
import { createPeriodicTask } from '@gateway/kit';
import type { Logger } from '@gateway/kit';
import type { Pool } from 'pg';
import { Counter } from 'prom-client';
import type { Registry } from 'prom-client';
import type { ChannelCatalogue } from '../domain/catalogues.ts';
import { actOnStuckIntents } from '../flows/act-on-stuck-intents.flow.ts';
import type { TurnaroundSettings } from '../flows/act-on-stuck-intents.flow.ts';
import type { IntentTopics } from '../flows/intent-change.ts';

export type TurnaroundSweeperOptions = {
  pool: Pool;
  logger: Logger;
  channels: ChannelCatalogue;
  settings: TurnaroundSettings;
  /** How often to look; a stage is acted on at most this long after it falls due. */
  intervalMs: number;
  clock?: () => Date;
  batchSize?: number;
  registry?: Registry;
  topics?: IntentTopics | undefined;
};

export type TurnaroundSweeper = {
  start(): void;
  stop(): Promise<void>;
  /** One full pass; resolves with how many actions it took. For tests and operators. */
  sweep(): Promise<number>;
};

function counter(registry: Registry | undefined, name: string, help: string): Counter<'channel' | 'subject'> {
  return (
    (registry?.getSingleMetric(name) as Counter<'channel' | 'subject'> | undefined) ??
    new Counter({ name, help, labelNames: ['channel', 'subject'], registers: registry ? [registry] : [] })
  );
}

export function createTurnaroundSweeper(options: TurnaroundSweeperOptions): TurnaroundSweeper {
  const log = options.logger.child({ component: 'turnaround' });
  const clock = options.clock ?? (() => new Date());
  const batchSize = options.batchSize ?? 100;
  const inquiries = counter(options.registry, 'payments_turnaround_inquiries_total', 'Stuck debits and refunds the turnaround engine asked the bank adapter about again, by channel and subject.');
  const escalated = counter(options.registry, 'payments_turnaround_escalated_total', 'Stuck debits and refunds the turnaround engine flagged for reconciliation (turnaround_exceeded), by channel and subject.');

  async function sweep(): Promise<number> {
    let total = 0;
    for (;;) {
      const { claimed, acted } = await actOnStuckIntents(options.pool, { now: clock(), channels: options.channels, settings: options.settings, batchSize, topics: options.topics });
      for (const a of acted) {
        const labels = { channel: a.channelId, subject: a.subject };
        if (a.kind === 'escalate') {
          escalated.inc(labels);
          log.warn({ intentId: a.intentId, ...labels, stage: a.stage }, `turnaround: escalated: ${a.detail}`);
        } else {
          inquiries.inc(labels);
          log.info({ intentId: a.intentId, ...labels, stage: a.stage }, `turnaround: asked again: ${a.detail}`);
        }
      }
      total += acted.length;
      // A short batch: nothing more is due (or the rest is another replica's, locked).
      if (claimed < batchSize || acted.length === 0) return total;
    }
  }

  const task = createPeriodicTask({ name: 'turnaround pass', intervalMs: options.intervalMs, run: sweep, logger: log });
  return { start: () => task.start(), stop: () => task.stop(), sweep };
}
