// The step every intent use case ends with: a `change` decision of the pure state machine
// (decideIntent) applied to a locked intent, in the caller's transaction, so a state change and the
// events announcing it commit together. Not a use case of its own: create, confirm, cancel, a channel
// result, the expiry sweep and a superseding payment all call it.
import { createEvent } from '@gateway/contracts';
import { enqueueEvent } from '@gateway/kit';
import type { PoolClient } from 'pg';
import { debitAmount, intentBillIds, intentEventPayload } from '../domain/intent-record.ts';
import type { IntentEventKind, IntentRecord } from '../domain/intent-record.ts';
import { doubtReasons, holdsBills, isMoneyMovedReconciliation } from '../domain/intent-state.ts';
import type { IntentDecision } from '../domain/intent-state.ts';
import { serviceName } from '../service-name.ts';
import { queueReconciliation, releaseBillHold, resolveDoubt, retakeBillHold, saveIntent } from '../store/pg-intent-store.ts';

/** Where intent events and channel commands go; tests point them at topics of their own. */
export type IntentTopics = { intents?: string | undefined; commands?: string | undefined; complaints?: string | undefined };

export type IntentChangeContext = {
  now: Date;
  correlationId: string;
  /** The event or request that caused the change. */
  causationId: string | null;
  topics?: IntentTopics | undefined;
  /** The channel result that caused it, kept on a reconciliation entry. */
  eventId?: string | null | undefined;
  /** Free text for the events that carry one (cancel reason, unknown's last error). */
  reason?: string | null | undefined;
};

/** Every event about an intent is keyed by it (order per intent) and carries the change's cause. */
function envelopeOf(record: IntentRecord, ctx: IntentChangeContext) {
  return { producer: serviceName, key: record.intentId, correlationId: ctx.correlationId, causationId: ctx.causationId, occurredAt: ctx.now };
}

export async function enqueueIntentEvent(client: PoolClient, type: IntentEventKind, record: IntentRecord, ctx: IntentChangeContext): Promise<void> {
  await enqueueEvent(
    client,
    createEvent(type, {
      ...envelopeOf(record, ctx),
      payload: intentEventPayload(type, record, ctx.now.toISOString(), ctx.reason),
    }),
    ctx.topics?.intents,
  );
}

/** Asks the adapter to give the intent's debit (channelTxnId) back to the payer at the channel. */
export async function enqueueRefundRequest(client: PoolClient, record: IntentRecord, ctx: IntentChangeContext): Promise<void> {
  await enqueueEvent(
    client,
    createEvent('channel.refund-requested', {
      ...envelopeOf(record, ctx),
      payload: {
        intentId: record.intentId,
        channelId: record.channelId,
        reference: record.reference,
        channelTxnId: record.channelTxnId ?? '',
        amount: debitAmount(record),
        reason: (ctx.reason ?? 'The debit bought nothing: its payment was refused.').slice(0, 500),
        requestedAt: ctx.now.toISOString(),
      },
    }),
    ctx.topics?.commands,
  );
}

/** Asks the adapter to ask the channel what happened to our debit (reconciliation). */
export async function enqueueStatusRequest(client: PoolClient, record: IntentRecord, ctx: IntentChangeContext): Promise<void> {
  await enqueueEvent(
    client,
    createEvent('channel.status-requested', {
      ...envelopeOf(record, ctx),
      payload: {
        intentId: record.intentId,
        channelId: record.channelId,
        reference: record.reference,
        channelRef: record.channelRef,
        reason: 'reconciliation',
        requestedAt: ctx.now.toISOString(),
      },
    }),
    ctx.topics?.commands,
  );
}

/**
 * Keeps intent_bills.held in step with holdsBills when a change moves it: released when the intent
 * stops holding, taken again (retakeBillHold) when a failed or canceled intent is flagged for
 * reconciliation.
 */
async function syncBillHold(client: PoolClient, before: IntentRecord, after: IntentRecord): Promise<void> {
  const held = holdsBills(before);
  const holds = holdsBills(after);
  if (held === holds) return;
  if (!holds) await releaseBillHold(client, after.intentId);
  else await retakeBillHold(client, after.intentId, intentBillIds(after));
}

/**
 * Applies a `change` decision: the new state (with `extra` fields the state machine does not model,
 * such as the OTP request or the payment ids), the bills it releases or takes again (syncBillHold),
 * the queue entry it opens or the doubt it settles, and the intent events and outbox commands it
 * calls for. `channel.otp-submitted` is not written here: the OTP must never reach the database, so
 * the confirm flow forwards it straight to Kafka.
 */
export async function applyIntentChange(
  client: PoolClient,
  before: IntentRecord,
  decision: Extract<IntentDecision, { kind: 'change' }>,
  ctx: IntentChangeContext,
  extra: Partial<IntentRecord> & { channelTxnIdForQueue?: string | null; moneyMoved?: 'yes' | 'unknown' } = {},
): Promise<IntentRecord> {
  const { channelTxnIdForQueue, moneyMoved, ...fields } = extra;
  const at = ctx.now.toISOString();
  // Only the state machine's own fields come from the decision (it may have been handed the whole record).
  const { status, expiresAt, reconciliation, lastError, channelTxnId } = decision.state;
  const after: IntentRecord = { ...before, ...fields, status, expiresAt, reconciliation, lastError, channelTxnId };
  if (after.status === 'unknown' && before.status !== 'unknown') after.unknownSince = at;
  const opened = decision.emit.includes('intent.reconciliation-required');
  if (opened) after.reconciliationSince = at;
  if (after.reconciliation === null) after.reconciliationSince = null;
  const refunding = decision.commands.includes('channel.refund-requested');
  if (refunding) after.refund = { status: 'requested', requestedAt: at, refundedAt: null, reversalId: null };
  await saveIntent(client, after, ctx.now);
  await syncBillHold(client, before, after);

  // Doubt ("we do not know yet") is settled by the result that ended it; a record of moved money is
  // left open for an operator whatever happens next.
  const settledDoubt = before.reconciliation !== null && !isMoneyMovedReconciliation(before.reconciliation) && after.reconciliation?.reason !== before.reconciliation.reason;
  if (settledDoubt) {
    const how = after.reconciliation === null ? `settled by the channel: ${after.status}` : `superseded by ${after.reconciliation.reason}`;
    await resolveDoubt(client, after.intentId, ctx.now, how, doubtReasons);
  }
  if (opened && after.reconciliation !== null) {
    await queueReconciliation(client, {
      intentId: after.intentId,
      channelId: after.channelId,
      reason: after.reconciliation.reason,
      detail: after.reconciliation.detail,
      status: after.status,
      moneyMoved: moneyMoved ?? (isMoneyMovedReconciliation(after.reconciliation) ? 'yes' : 'unknown'),
      channelTxnId: channelTxnIdForQueue ?? after.channelTxnId,
      amount: { amount: before.amount.amount + before.fee.amount, currency: before.amount.currency },
      eventId: ctx.eventId,
    });
  }

  for (const type of decision.emit) await enqueueIntentEvent(client, type, after, ctx);
  if (decision.commands.includes('channel.status-requested')) await enqueueStatusRequest(client, after, ctx);
  if (refunding) await enqueueRefundRequest(client, after, ctx);
  return after;
}
