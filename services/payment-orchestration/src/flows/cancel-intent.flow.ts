// The payer gives up before paying. Allowed while the channel waits for the OTP
// (requires_confirmation): no debit happens without it and we never send it after a cancel. Refused
// while `processing` or `unknown`: the debit may already be at the channel, and a "canceled" we could
// not honour would lie to the payer (if the debit lands anyway, the payment is recorded: see
// intent-state.ts). Canceling a canceled intent answers with it again.
import type { PoolClient } from 'pg';
import type { IntentRecord } from '../domain/intent-record.ts';
import { decideIntent } from '../domain/intent-state.ts';
import { findClientIntent } from '../store/pg-intent-store.ts';
import { applyIntentChange } from './intent-change.ts';
import type { IntentTopics } from './intent-change.ts';

export type CancelIntentOutcome =
  | { kind: 'canceled'; intent: IntentRecord; repeated: boolean }
  | { kind: 'not_found' }
  | { kind: 'refused'; message: string; status: IntentRecord['status'] };

export async function cancelIntent(
  tx: PoolClient,
  input: { clientId: string; intentId: string; reason: string | null },
  deps: { topics?: IntentTopics | undefined; now: Date },
): Promise<CancelIntentOutcome> {
  const { now } = deps;
  const intent = await findClientIntent(tx, input.clientId, input.intentId, { lock: true });
  if (intent === null) return { kind: 'not_found' };
  const decision = decideIntent(intent, { type: 'cancel', at: now.toISOString() });
  if (decision.kind === 'refused' || decision.kind === 'record-payment') {
    const message = decision.kind === 'refused' ? decision.message : `The intent is ${intent.status}.`;
    return { kind: 'refused', message, status: intent.status };
  }
  if (decision.kind === 'ignored') return { kind: 'canceled', intent, repeated: true };
  const after = await applyIntentChange(tx, intent, decision, { now, correlationId: intent.correlationId, causationId: null, topics: deps.topics, reason: input.reason });
  return { kind: 'canceled', intent: after, repeated: false };
}
