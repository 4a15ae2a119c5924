// The payer's OTP, when the intent is requires_confirmation: the intent goes to `processing` and
// channel.otp-submitted goes to the adapter. The OTP is never stored: not in the intent, not in the
// outbox (it is forwarded straight to Kafka by `forwardOtp`, see events/otp-forwarder.producer.ts), and
// not in the idempotency record (the route fingerprints the request without it).
//
// An intent in another state is refused (the route answers 409 invalid_state, details.status says which).
// An intent for a fee order that expired since its creation is refused too (422 order_expired): the OTP
// is what lets the wallet debit, so it is never forwarded for an order nobody may pay any more.
import { createEvent } from '@gateway/contracts';
import type { EventOf } from '@gateway/contracts';
import type { PoolClient } from 'pg';
import { intentBillIds } from '../domain/intent-record.ts';
import type { IntentRecord } from '../domain/intent-record.ts';
import { decideIntent } from '../domain/intent-state.ts';
import { serviceName } from '../service-name.ts';
import { findExpiredOrder } from '../store/pg-bill-read-model-store.ts';
import { findClientIntent } from '../store/pg-intent-store.ts';
import { applyIntentChange } from './intent-change.ts';
import type { IntentTopics } from './intent-change.ts';

export type ConfirmIntentOutcome =
  | { kind: 'confirmed'; intent: IntentRecord }
  | { kind: 'not_found' }
  | { kind: 'refused'; message: string; status: IntentRecord['status'] }
  | { kind: 'order_expired'; message: string };

export async function confirmIntent(
  tx: PoolClient,
  input: { clientId: string; intentId: string; otp: string },
  deps: { forwardOtp: (event: EventOf<'channel.otp-submitted'>) => Promise<void>; topics?: IntentTopics | undefined; now: Date },
): Promise<ConfirmIntentOutcome> {
  const { now } = deps;
  const intent = await findClientIntent(tx, input.clientId, input.intentId, { lock: true });
  if (intent === null) return { kind: 'not_found' };
  // Asked first: the intent of a fee order expires with it (create-intent.flow.ts), and the payer is
  // owed the reason (the order), not only that the intent is over.
  if (intent.status === 'requires_confirmation') {
    const expired = await findExpiredOrder(tx, intentBillIds(intent), now);
    if (expired !== null) {
      return { kind: 'order_expired', message: `Bill ${expired.billId} is a fee order that expired at ${expired.expiresAt}; the OTP was not sent, nothing is debited.` };
    }
  }
  const decision = decideIntent(intent, { type: 'confirm', at: now.toISOString() });
  if (decision.kind !== 'change') {
    const message = decision.kind === 'refused' ? decision.message : `The intent is ${intent.status}.`;
    return { kind: 'refused', message, status: intent.status };
  }
  const after = await applyIntentChange(tx, intent, decision, { now, correlationId: intent.correlationId, causationId: null, topics: deps.topics });
  // Last, just before commit: if the send fails, everything above rolls back.
  await deps.forwardOtp(
    createEvent('channel.otp-submitted', {
      producer: serviceName,
      key: intent.intentId,
      correlationId: intent.correlationId,
      causationId: null,
      occurredAt: now,
      payload: { intentId: intent.intentId, channelId: intent.channelId, reference: intent.reference, otp: input.otp, channelRef: intent.channelRef, submittedAt: now.toISOString() },
    }),
  );
  return { kind: 'confirmed', intent: after };
}
