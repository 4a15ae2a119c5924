// Makes sure no intent is left hanging (DESIGN.md: every intent reaches a terminal state or the
// reconciliation queue within its expiry plus a grace period):
//   - waiting for an OTP past expiresAt → failed ('expired'): the channel holds the debit until the
//     OTP comes, and we will never send it now, so no money moved;
//   - processing or unknown past expiresAt + grace → reconciliation queue, intent.reconciliation-required,
//     and a channel.status-requested so the adapter asks the channel once more. Its answer arrives as a
//     normal result and settles the intent.
// Each batch is claimed FOR UPDATE SKIP LOCKED, so two instances of the service share the work and
// never handle one intent twice; a batch commits (state, queue, outbox) as one transaction.
import { createPeriodicTask, withTransaction } from '@gateway/kit';
import type { Logger } from '@gateway/kit';
import type { Pool } from 'pg';
import { Counter } from 'prom-client';
import type { Registry } from 'prom-client';
import { decideIntent } from '../domain/intent-state.ts';
import { applyIntentChange, claimDueIntents } from '../store/pg-intent-store.ts';
import type { IntentTopics } from '../store/pg-intent-store.ts';

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
    return withTransaction(pool, async (client) => {
      const now = clock();
      const due = await claimDueIntents(client, now, graceMs, batchSize);
      let changed = 0;
      for (const intent of due) {
        const decision = decideIntent(intent, { type: 'tick', at: now.toISOString(), graceMs });
        if (decision.kind !== 'change') continue;
        const after = await applyIntentChange(client, intent, decision, {
          now,
          correlationId: intent.correlationId,
          causationId: null,
          topics: options.topics,
          reason: expiryReason(intent.status),
        });
        changed += 1;
        const outcome = after.reconciliation !== null ? 'reconciliation' : after.status;
        swept.inc({ outcome });
        log[outcome === 'reconciliation' ? 'warn' : 'info']({ intentId: intent.intentId, from: intent.status, to: after.status, outcome }, 'intent expired');
      }
      return { claimed: due.length, changed };
    });
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

// The free text of the event the expiry emits (unknown's lastError), so the dashboard says why.
function expiryReason(status: string): string {
  return status === 'requires_confirmation' ? 'expired waiting for the OTP' : 'no outcome from the channel within expiry plus grace';
}
