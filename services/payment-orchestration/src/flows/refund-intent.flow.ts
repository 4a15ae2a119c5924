// An operator gives back a debit that bought nothing (POST /v1/payment-intents/{id}/refund). The same
// machinery as the automatic refund: the state machine's decision (intent-state.ts, operator-refund)
// puts channel.refund-requested in the outbox with the intent's change, the bank adapter reverses the
// debit at the channel (an unanswered reversal resolved by its inquiry), and apply-refund-result
// records the outcome on the intent. An intent is refunded at most once: the row is locked, and an
// intent that already has a refund (automatic or an operator's) answers with that refund.
import type { ReconciliationReason } from '@gateway/contracts';
import type { PoolClient } from 'pg';
import type { IntentRecord } from '../domain/intent-record.ts';
import { decideIntent } from '../domain/intent-state.ts';
import { lockIntent, openQueueChannelTxnId } from '../store/pg-intent-store.ts';
import { applyIntentChange } from './intent-change.ts';
import type { IntentTopics } from './intent-change.ts';

export type RefundIntentOutcome =
  | { kind: 'requested'; intent: IntentRecord }
  /** The intent already has a refund: no second one. */
  | { kind: 'existing'; intent: IntentRecord }
  | { kind: 'not_found' }
  | { kind: 'refused'; message: string; status: IntentRecord['status']; reason: ReconciliationReason | null };

export async function refundIntent(
  tx: PoolClient,
  input: { intentId: string; reason: string },
  deps: { topics?: IntentTopics | undefined; now: Date },
): Promise<RefundIntentOutcome> {
  const intent = await lockIntent(tx, input.intentId);
  if (intent === null) return { kind: 'not_found' };
  if (intent.refund !== null) return { kind: 'existing', intent };
  const refused = (message: string): RefundIntentOutcome => ({ kind: 'refused', message, status: intent.status, reason: intent.reconciliation?.reason ?? null });
  // An intent queued before refunds were automatic kept the debit's id on its queue entry only.
  const channelTxnId = intent.channelTxnId ?? (await openQueueChannelTxnId(tx, intent.intentId, 'payment_refused'));
  const decision = decideIntent(intent, { type: 'operator-refund', channelTxnId: channelTxnId ?? '' });
  if (decision.kind !== 'change') return refused(decision.kind === 'refused' ? decision.message : `The intent is ${intent.status}.`);
  // Without the channel's id of the debit the adapter has nothing it could reverse.
  if (channelTxnId === null) return refused('The channel’s id of the debit is not known, so there is nothing the adapter could reverse.');
  const after = await applyIntentChange(tx, intent, decision, {
    now: deps.now,
    correlationId: intent.correlationId,
    causationId: null,
    topics: deps.topics,
    reason: `Given back by an operator: ${input.reason}`,
  });
  return { kind: 'requested', intent: after };
}
