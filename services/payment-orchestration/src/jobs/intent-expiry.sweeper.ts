// Makes sure no intent is left hanging (docs/design.md: every intent reaches a terminal state or the
// reconciliation queue within its expiry plus a grace period): on a timer, batch after batch of
// flows/expire-intents.flow.ts (what happens to an expired intent is said there).
import { createPeriodicTask } from '@gateway/kit';
import type { Logger } from '@gateway/kit';
import type { Pool } from 'pg';
import { Counter } from 'prom-client';
import type { Registry } from 'prom-client';
import { expireIntents } from '../flows/expire-intents.flow.ts';
import type { IntentTopics } from '../flows/intent-change.ts';

export type IntentExpirySweeperOptions = {
  pool: Pool;
  logger: Logger;
  /** How often to look; an intent is handled at most this long after it falls due. */
  intervalMs?: number;
  /** How long past expiresAt an intent without an outcome waits for one before reconciliation. */
  graceMs?: number;
  clock?: () => Date;
  batchSize?: number;
  registry?: Registry;
  topics?: IntentTopics;
};

export type IntentExpirySweeper = {
  start(): void;
  /** Cancels the next pass and waits for one in progress. */
  stop(): Promise<void>;
  /** One full pass (every due batch); resolves with how many intents changed. For tests and operators. */
  sweep(): Promise<number>;
};

export const defaultIntentGraceMs = 10 * 60_000;
export const defaultSweepIntervalMs = 15_000;

export function createIntentExpirySweeper(options: IntentExpirySweeperOptions): IntentExpirySweeper {
  const { pool } = options;
  const log = options.logger.child({ component: 'intent-expiry' });
  const clock = options.clock ?? (() => new Date());
  const intervalMs = options.intervalMs ?? defaultSweepIntervalMs;
  const graceMs = options.graceMs ?? defaultIntentGraceMs;
  const batchSize = options.batchSize ?? 100;
  const existing = options.registry?.getSingleMetric('payments_intent_expiry_total');
  const swept =
    (existing as Counter<'outcome'> | undefined) ??
    new Counter({ name: 'payments_intent_expiry_total', help: 'Intents the expiry sweeper moved, by outcome.', labelNames: ['outcome'], registers: options.registry ? [options.registry] : [] });

  async function sweepBatch(): Promise<{ claimed: number; changed: number }> {
    const { claimed, changed } = await expireIntents(pool, { now: clock, graceMs, batchSize, topics: options.topics });
    for (const { before, after } of changed) {
      const outcome = after.reconciliation !== null ? 'reconciliation' : after.status;
      swept.inc({ outcome });
      log[outcome === 'reconciliation' ? 'warn' : 'info']({ intentId: before.intentId, from: before.status, to: after.status, outcome }, 'intent expired');
    }
    return { claimed, changed: changed.length };
  }

  async function sweep(): Promise<number> {
    let total = 0;
    for (;;) {
      const { claimed, changed } = await sweepBatch();
      total += changed;
      // A short batch means nothing more is due (or the rest is locked by another instance).
      if (claimed < batchSize || changed === 0) return total;
    }
  }

  const task = createPeriodicTask({ name: 'intent expiry pass', intervalMs, run: sweep, logger: log });

  return {
    start: () => task.start(),
    stop: () => task.stop(),
    sweep,
  };
}
