// Publishes the state callers see for each channel, through the outbox (channels.results), in two
// forms orchestration keeps its channel_health read model from:
// - channel.health-changed whenever it changes: a breaker opening, half-opening or closing (an
//   operator's switch is announced by flows/switch-channel.flow.ts);
// - channel.health-reported for every channel at start and every CHANNEL_HEALTH_INTERVAL, changed or
//   not. A state is only as good as its last report: orchestration treats one not reported for three
//   intervals as unknown and tries the channel, so an adapter that stopped with a breaker open can no
//   longer leave that channel "open" for ever.
// A change that cannot be written (Postgres away) is kept and written with the next report, never
// dropped; the report itself is retried every interval.
import type { BreakerState } from '@gateway/contracts';
import { createPeriodicTask } from '@gateway/kit';
import type { Logger } from '@gateway/kit';
import type { Pool } from 'pg';
import type { ChannelGateway, HealthChange } from '../channels/channel-gateway.ts';
import { reportChannelHealth } from '../flows/report-channel-health.flow.ts';
import type { KnownChannelStates } from '../flows/report-channel-health.flow.ts';

export type ChannelHealthPublisher = {
  /** Resolves once every change seen so far is in the outbox, or kept for the next report. */
  flush(): Promise<void>;
  /** Writes the changes kept so far and reports every channel, now (what each interval does). */
  report(): Promise<void>;
  stop(): Promise<void>;
};

export type ChannelHealthPublisherOptions = {
  pool: Pool;
  gateway: ChannelGateway;
  logger: Logger;
  topic?: string | undefined;
  /** How often every channel is reported (the first report is at start). */
  intervalMs: number;
  clock?: () => Date;
};

export function startChannelHealthPublisher(options: ChannelHealthPublisherOptions): ChannelHealthPublisher {
  const { pool, gateway, topic } = options;
  const log = options.logger.child({ component: 'channel-health' });
  const clock = options.clock ?? (() => new Date());
  const started = clock();
  // Since when each channel is in the state callers see, as far as this process knows: its own start
  // at most. Kept current by the changes, and by the reports (an operator's switch changes the state
  // without a breaker event here).
  const known: KnownChannelStates = new Map<string, { state: BreakerState; since: Date }>(Object.entries(gateway.states()).map(([id, state]) => [id, { state, since: started }]));
  const pending: HealthChange[] = [];
  // Writes happen one after another, so the outbox (and Kafka, keyed by channel) has them in order.
  let chain: Promise<void> = Promise.resolve();

  function serially(work: () => Promise<void>): Promise<void> {
    const next = chain.then(work);
    chain = next.catch(() => undefined);
    return next;
  }

  /** Writes the kept changes (and, for a report, every channel's state) in one transaction. */
  async function write(withReport: boolean): Promise<void> {
    const changes = pending.slice();
    await reportChannelHealth({ pool, gateway, now: clock, topic }, { changes, report: withReport, known });
    pending.splice(0, changes.length);
  }

  const unsubscribe = gateway.onHealthChange((change) => {
    known.set(change.channelId, { state: change.to, since: change.at });
    pending.push(change);
    void serially(async () => {
      try {
        await write(false);
      } catch (err) {
        log.error({ err, channelId: change.channelId, to: change.to, kept: pending.length }, 'could not write a channel health change; kept for the next report');
      }
    });
  });

  const report = () => serially(() => write(true));
  const task = createPeriodicTask({ name: 'channel health report', intervalMs: options.intervalMs, initialDelayMs: 0, run: report, logger: log });
  task.start();

  return {
    flush: () => chain,
    report,
    async stop() {
      unsubscribe();
      await task.stop();
      await chain;
    },
  };
}
