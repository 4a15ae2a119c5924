// The daily settlement fetch: at SETTLEMENT_FETCH_AT (local time, Asia/Damascus) every channel in the
// registry is asked for the previous business date's statement, which is stored and announced as
// channel.settlement-file-fetched (see flows/fetch-settlement-file.flow.ts).
//
// One channel failing (breaker open, forced off, 5xx, unreadable file) is logged and counted and never
// stops the others or the scheduler. It is retried after SETTLEMENT_FETCH_RETRY_INTERVAL, and every
// run (the one at start included) also fetches any of the last SETTLEMENT_FETCH_CATCHUP_DAYS days a
// channel has no stored statement for, so a day missed to an outage or a stopped service is caught up.
//
// Replicas: no lock. Every replica runs the schedule; the store is the guard. Storing is one INSERT …
// ON CONFLICT that writes only a new digest, in the same transaction as the outbox row, so however many
// replicas (or operators) fetch the same day, a version is stored and announced exactly once. The cost
// is one extra read-only GET per replica per channel per day; a lock would instead have to pin a
// pooled connection across the channel calls.
import type { Logger } from '@gateway/kit';
import type { Pool } from 'pg';
import { Counter } from 'prom-client';
import type { Registry } from 'prom-client';
import type { ChannelGateway } from '../channels/channel-gateway.ts';
import { fetchSettlementFile } from '../flows/fetch-settlement-file.flow.ts';
import { addDays, businessDateOf, nextLocalTime } from '@gateway/contracts';
import { storedSettlementDates } from '../store/pg-settlement-file-store.ts';

export const schedulerActor = 'settlement-fetch-scheduler';

export type SettlementFetchDeps = {
  pool: Pool;
  gateway: ChannelGateway;
  logger: Logger;
  resultsTopic?: string | undefined;
  registry?: Registry | undefined;
};

export type SettlementRunOptions = {
  /** The latest business date to fetch (the previous day, for the daily run). */
  businessDate: string;
  /** Also fetch these many earlier days when a channel has no statement stored for them. */
  catchUpDays: number;
  /** Fetch businessDate even when stored (the daily run: the channel may have corrected it). */
  refetchLatest: boolean;
};

export type SettlementRunFailure = { channelId: string; businessDate: string; message: string };
export type SettlementRunReport = { stored: string[]; unchanged: string[]; failed: SettlementRunFailure[] };

/** The business date the daily run fetches at `now`: yesterday in Asia/Damascus. */
export function previousBusinessDate(now: Date): string {
  return addDays(businessDateOf(now), -1);
}

function fetchCounter(registry: Registry | undefined): Counter<'channel' | 'outcome'> {
  const existing = registry?.getSingleMetric('bank_adapter_settlement_fetches_total');
  return (
    (existing as Counter<'channel' | 'outcome'> | undefined) ??
    new Counter({
      name: 'bank_adapter_settlement_fetches_total',
      help: 'Settlement statement fetches by channel and outcome: stored, unchanged, unavailable, unreadable, error.',
      labelNames: ['channel', 'outcome'],
      registers: registry ? [registry] : [],
    })
  );
}

/** One pass over every channel in the registry; never rejects for a channel's failure. */
export async function runSettlementFetch(deps: SettlementFetchDeps, options: SettlementRunOptions): Promise<SettlementRunReport> {
  const log = deps.logger.child({ component: 'settlement-fetch' });
  const fetches = fetchCounter(deps.registry);
  const report: SettlementRunReport = { stored: [], unchanged: [], failed: [] };
  const earliest = addDays(options.businessDate, -options.catchUpDays);

  async function fetchOne(channelId: string, businessDate: string): Promise<void> {
    const label = `${channelId}/${businessDate}`;
    try {
      const outcome = await fetchSettlementFile(deps, { channelId, businessDate, actor: schedulerActor });
      fetches.inc({ channel: channelId, outcome: outcome.kind });
      if (outcome.kind === 'stored') {
        report.stored.push(label);
        log.info({ channelId, businessDate, fileId: outcome.file.fileId, rowCount: outcome.file.rowCount }, 'settlement statement stored');
      } else if (outcome.kind === 'unchanged') {
        report.unchanged.push(label);
      } else {
        report.failed.push({ channelId, businessDate, message: outcome.message });
        log.warn({ channelId, businessDate, outcome: outcome.kind, reason: outcome.message }, 'settlement statement not fetched; retried later');
      }
    } catch (err) {
      // A database error or a bug: counted and logged like a channel failure, so one day of one
      // channel cannot stop the run.
      fetches.inc({ channel: channelId, outcome: 'error' });
      report.failed.push({ channelId, businessDate, message: err instanceof Error ? err.message : String(err) });
      log.error({ err, channelId, businessDate }, 'settlement statement fetch failed; retried later');
    }
  }

  // Channels in parallel (each has its own breaker and concurrency limit, so a slow one delays no
  // other); a channel's days one after another, oldest first.
  await Promise.all(
    deps.gateway.registry.channels.map(async ({ channelId }) => {
      let stored: Set<string>;
      try {
        stored = await storedSettlementDates(deps.pool, channelId, earliest, options.businessDate);
      } catch (err) {
        fetches.inc({ channel: channelId, outcome: 'error' });
        report.failed.push({ channelId, businessDate: options.businessDate, message: err instanceof Error ? err.message : String(err) });
        log.error({ err, channelId }, 'could not read stored settlement dates');
        return;
      }
      for (let date = earliest; date <= options.businessDate; date = addDays(date, 1)) {
        const latest = date === options.businessDate;
        if (stored.has(date) && !(latest && options.refetchLatest)) continue;
        await fetchOne(channelId, date);
      }
    }),
  );
  return report;
}

export type SettlementFetchSchedulerOptions = {
  run: (options: SettlementRunOptions) => Promise<SettlementRunReport>;
  logger: Logger;
  /** Local time HH:MM in Asia/Damascus. */
  at: string;
  catchUpDays: number;
  retryIntervalMs: number;
  clock?: () => Date;
  /** A catch-up pass (missing days only) at start, for a service that was down at the daily time. */
  runOnStart?: boolean;
};

export type SettlementFetchScheduler = {
  start(): void;
  /** Cancels the next firing and waits for a run in progress to finish. */
  stop(): Promise<void>;
  nextRunAt(): Date | undefined;
};

export function createSettlementFetchScheduler(options: SettlementFetchSchedulerOptions): SettlementFetchScheduler {
  const clock = options.clock ?? (() => new Date());
  const log = options.logger.child({ component: 'settlement-fetch-scheduler' });
  let timer: NodeJS.Timeout | undefined;
  let next: Date | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;

  function fire(daily: boolean): void {
    if (stopped || running) return;
    const businessDate = previousBusinessDate(clock());
    let failures = 0;
    running = options
      .run({ businessDate, catchUpDays: options.catchUpDays, refetchLatest: daily })
      .then(
        (report) => {
          failures = report.failed.length;
          log.info({ businessDate, daily, stored: report.stored.length, unchanged: report.unchanged.length, failed: report.failed }, 'settlement fetch run done');
        },
        (err: unknown) => {
          failures = 1;
          log.error({ err, businessDate }, 'settlement fetch run failed');
        },
      )
      .finally(() => {
        running = undefined;
        schedule(failures > 0);
      });
  }

  function schedule(retry: boolean): void {
    if (stopped) return;
    const now = clock();
    const daily = nextLocalTime(now, options.at);
    // A retry only fetches what is still missing; it never postpones the daily run.
    const retryAt = new Date(now.getTime() + options.retryIntervalMs);
    const isDaily = !retry || daily.getTime() <= retryAt.getTime();
    next = isDaily ? daily : retryAt;
    timer = setTimeout(() => fire(isDaily), Math.max(0, next.getTime() - now.getTime()));
    log.debug({ nextRunAt: next.toISOString(), daily: isDaily }, 'next settlement fetch scheduled');
  }

  return {
    start() {
      stopped = false;
      if (options.runOnStart ?? true) fire(false);
      else schedule(false);
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      timer = undefined;
      await running;
    },
    nextRunAt: () => next,
  };
}
