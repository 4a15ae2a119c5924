// Turns due campaigns into queued sms_messages, a batch at a time, and marks campaigns completed once
// nothing of theirs is left queued. Sending is not done here: the dispatcher sends queued messages at
// the SMSC's pace (and holds them through quiet hours).
//
// Each batch is one transaction (flows/queue-campaign-batch.flow.ts): replicas share the work without
// queueing a batch twice, and between batches the row lock is let go, so a cancel waits for one batch
// at most, never for a whole campaign.
//
// Completion is decided by this runner after each pass (flows/complete-campaigns.flow.ts), not in the
// progress read: see that flow for why.
import { createPeriodicTask } from '@gateway/kit';
import type { Logger } from '@gateway/kit';
import type { Pool } from 'pg';
import { completeCampaigns } from '../flows/complete-campaigns.flow.ts';
import { queueCampaignBatch } from '../flows/queue-campaign-batch.flow.ts';

export type CampaignRunnerOptions = {
  pool: Pool;
  logger: Logger;
  /** Recipients queued per transaction: small enough that a batch holds its locks briefly. */
  batchSize: number;
  /** How long the runner waits, once nothing is due, before it looks again. */
  pollMs: number;
  clock?: (() => Date) | undefined;
};

export type CampaignRunPass = {
  /** Batches committed in this pass. */
  batches: number;
  /** Messages those batches queued. */
  queued: number;
  /** Campaigns this pass marked completed. */
  completed: string[];
};

export type CampaignRunner = {
  start(): void;
  /** Cancels the next pass and waits for the one in progress (it stops after its current batch). */
  stop(): Promise<void>;
  /**
   * One pass: batches of due campaigns until none is left to queue (or `maxBatches` have been
   * committed), then the completion check.
   */
  runOnce(options?: { maxBatches?: number }): Promise<CampaignRunPass>;
};

export function createCampaignRunner(options: CampaignRunnerOptions): CampaignRunner {
  const { pool } = options;
  const log = options.logger.child({ component: 'campaign-runner' });
  const clock = options.clock ?? (() => new Date());
  if (!Number.isSafeInteger(options.batchSize) || options.batchSize < 1) throw new RangeError(`campaign batchSize must be a positive integer; got ${options.batchSize}`);

  // Set by stop() so the pass in progress ends after its current batch: a stop (a shutdown) waits for
  // one batch at most, never for a whole campaign; the cursor lets the next pass resume.
  let halting = false;

  const batchPorts = { pool, batchSize: options.batchSize, now: clock };

  async function runOnce(passOptions: { maxBatches?: number } = {}): Promise<CampaignRunPass> {
    const maxBatches = passOptions.maxBatches ?? Number.POSITIVE_INFINITY;
    const pass: CampaignRunPass = { batches: 0, queued: 0, completed: [] };
    while (!halting && pass.batches < maxBatches) {
      const batch = await queueCampaignBatch(batchPorts);
      if (batch === null) break;
      pass.batches += 1;
      pass.queued += batch.queued;
      log.debug({ campaignId: batch.campaignId, queued: batch.queued, optedOut: batch.optedOut }, 'campaign batch queued');
      if (batch.done && batch.state === 'sending') log.info({ campaignId: batch.campaignId }, 'campaign recipients all queued');
    }
    pass.completed = await completeCampaigns({ db: pool, now: clock });
    for (const campaignId of pass.completed) log.info({ campaignId }, 'campaign completed');
    return pass;
  }

  // The first pass comes at once: campaigns due while the service was down are not held back a poll.
  const task = createPeriodicTask({ name: 'campaign pass', intervalMs: options.pollMs, initialDelayMs: 0, run: () => runOnce(), logger: log });

  return {
    start() {
      halting = false;
      task.start();
    },
    async stop() {
      halting = true;
      await task.stop();
    },
    runOnce,
  };
}
