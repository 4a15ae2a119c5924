// Looks for channels' days with no settlement file past their deadline (flows/missing-settlement-files
// .flow.ts) every SETTLEMENT_FILE_CHECK_INTERVAL. Metrics for the alert rules:
// payments_settlement_files_overdue{channel} (days looked at still without a file now; back to 0 when
// it is matched) and payments_settlement_file_alerts_total{channel} (alerts raised, once per day each).
import { createPeriodicTask } from '@gateway/kit';
import type { Logger } from '@gateway/kit';
import type { Pool } from 'pg';
import { Counter, Gauge } from 'prom-client';
import type { Registry } from 'prom-client';
import type { ChannelCatalogue } from '../domain/catalogues.ts';
import { raiseMissingFileAlerts } from '../flows/missing-settlement-files.flow.ts';
import type { MissingFiles } from '../flows/missing-settlement-files.flow.ts';

export type SettlementFileAlertOptions = {
  pool: Pool;
  logger: Logger;
  channels: ChannelCatalogue;
  deadline: string;
  days: number;
  intervalMs: number;
  clock?: () => Date;
  registry?: Registry;
  topic?: string | undefined;
};

export type SettlementFileAlertSweeper = { start(): void; stop(): Promise<void>; sweep(): Promise<MissingFiles> };

export function createSettlementFileAlertSweeper(options: SettlementFileAlertOptions): SettlementFileAlertSweeper {
  const log = options.logger.child({ component: 'settlement-file-alert' });
  const clock = options.clock ?? (() => new Date());
  const registers = options.registry ? [options.registry] : [];
  const overdueName = 'payments_settlement_files_overdue';
  const overdue =
    (options.registry?.getSingleMetric(overdueName) as Gauge<'channel'> | undefined) ??
    new Gauge({ name: overdueName, help: 'Business days past their settlement-file deadline with no file matched, by channel.', labelNames: ['channel'], registers });
  const alertsName = 'payments_settlement_file_alerts_total';
  const alerts =
    (options.registry?.getSingleMetric(alertsName) as Counter<'channel'> | undefined) ??
    new Counter({ name: alertsName, help: 'Missing settlement-file alerts raised (once per channel and day), by channel.', labelNames: ['channel'], registers });

  async function sweep(): Promise<MissingFiles> {
    const result = await raiseMissingFileAlerts(options.pool, { channels: options.channels, deadline: options.deadline, days: options.days, now: clock(), topic: options.topic });
    for (const [channel, days] of result.overdue) overdue.set({ channel }, days);
    for (const alert of result.raised) {
      alerts.inc({ channel: alert.channelId });
      log.warn({ channelId: alert.channelId, businessDate: alert.businessDate, deadline: alert.deadline.toISOString() }, 'settlement file missing past its deadline');
    }
    return result;
  }

  const task = createPeriodicTask({ name: 'settlement file alert pass', intervalMs: options.intervalMs, run: sweep, logger: log });
  return { start: () => task.start(), stop: () => task.stop(), sweep };
}
