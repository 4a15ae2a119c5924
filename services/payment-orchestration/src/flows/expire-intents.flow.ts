// One batch of the expiry sweep (jobs/intent-expiry.sweeper.ts), in one transaction (state, queue,
// outbox commit together):
//   - waiting for an OTP past expiresAt → failed ('expired'): the channel holds the debit until the
//     OTP comes, and we will never send it now, so no money moved;
//   - processing or unknown past expiresAt + grace → reconciliation queue, intent.reconciliation-required,
//     and a channel.status-requested so the adapter asks the channel once more. Its answer arrives as a
//     normal result and settles the intent.
// The batch is claimed FOR UPDATE SKIP LOCKED, so two instances of the service share the work and
// never handle one intent twice.
import { withTransaction } from '@gateway/kit';
import type { Pool } from 'pg';
import type { IntentRecord } from '../domain/intent-record.ts';
import { decideIntent } from '../domain/intent-state.ts';
import { claimDueIntents } from '../store/pg-intent-store.ts';
import { applyIntentChange } from './intent-change.ts';
import type { IntentTopics } from './intent-change.ts';

export type ExpiredIntent = { before: IntentRecord; after: IntentRecord };

export async function expireIntents(
  pool: Pool,
  input: { now: () => Date; graceMs: number; batchSize: number; topics?: IntentTopics | undefined },
): Promise<{ claimed: number; changed: ExpiredIntent[] }> {
  return withTransaction(pool, async (client) => {
    const now = input.now();
    const due = await claimDueIntents(client, now, input.graceMs, input.batchSize);
    const changed: ExpiredIntent[] = [];
    for (const intent of due) {
      const decision = decideIntent(intent, { type: 'tick', at: now.toISOString(), graceMs: input.graceMs });
      if (decision.kind !== 'change') continue;
      const after = await applyIntentChange(client, intent, decision, {
        now,
        correlationId: intent.correlationId,
        causationId: null,
        topics: input.topics,
        reason: expiryReason(intent.status),
      });
      changed.push({ before: intent, after });
    }
    return { claimed: due.length, changed };
  });
}

// The free text of the event the expiry emits (unknown's lastError), so the dashboard says why.
function expiryReason(status: string): string {
  return status === 'requires_confirmation' ? 'expired waiting for the OTP' : 'no outcome from the channel within expiry plus grace';
}
