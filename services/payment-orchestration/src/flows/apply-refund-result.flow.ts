// The bank adapter's word on a refund (channel.refund-succeeded / -failed / -unknown on
// channels.results), applied to the intent whose debit was being given back. The channel-results
// consumer hands these here, inside the same inbox transaction as any other result.
//
// No ledger entries: a refunded debit's payment was refused, so its money never entered the ledger
// (no channel receivable, no biller payable); the reversal at the channel only undoes the channel's
// own movement. The intent records the refund, and intent.refunded tells notification to text the payer.
import type { EventOf } from '@gateway/contracts';
import type { PoolClient } from 'pg';
import type { IntentRecord } from '../domain/intent-record.ts';
import { decideRefund } from '../domain/intent-state.ts';
import type { RefundInput } from '../domain/intent-state.ts';
import { lockIntent } from '../store/pg-intent-store.ts';
import { applyIntentChange } from './intent-change.ts';
import type { IntentTopics } from './intent-change.ts';

export type RefundResult = EventOf<'channel.refund-succeeded' | 'channel.refund-failed' | 'channel.refund-unknown'>;

export function isRefundResult(event: { type: string }): event is RefundResult {
  return event.type === 'channel.refund-succeeded' || event.type === 'channel.refund-failed' || event.type === 'channel.refund-unknown';
}

function inputOf(event: RefundResult): RefundInput {
  switch (event.type) {
    case 'channel.refund-succeeded':
      return { type: 'refund-succeeded' };
    case 'channel.refund-failed':
      return { type: 'refund-failed', message: event.payload.message, channelCode: event.payload.channelCode };
    case 'channel.refund-unknown':
      return { type: 'refund-unknown', stage: event.payload.stage, lastError: event.payload.lastError };
  }
}

export async function applyRefundResult(
  client: PoolClient,
  event: RefundResult,
  deps: { topics?: IntentTopics | undefined },
  now: Date,
): Promise<{ outcome: string; intent: IntentRecord | null }> {
  const p = event.payload;
  const intent = await lockIntent(client, p.intentId);
  if (intent === null || intent.channelId !== p.channelId) return { outcome: 'ignored_unmatched', intent };
  const { decision, refund } = decideRefund(intent, intent.refund?.status ?? null, inputOf(event));
  if (decision.kind !== 'change' || refund === null || intent.refund === null) {
    return { outcome: decision.kind === 'ignored' ? `ignored: ${decision.why}` : decision.kind, intent };
  }
  const refundedAt = event.type === 'channel.refund-succeeded' ? event.payload.refundedAt : null;
  const reversalId = event.type === 'channel.refund-succeeded' ? event.payload.reversalId : null;
  const after = await applyIntentChange(
    client,
    intent,
    decision,
    { now, correlationId: event.correlationId, causationId: event.eventId, topics: deps.topics, eventId: event.eventId },
    { refund: { ...intent.refund, status: refund, refundedAt, reversalId }, channelTxnIdForQueue: p.channelTxnId, moneyMoved: 'yes' },
  );
  const opened = decision.emit.includes('intent.reconciliation-required') && after.reconciliation !== null;
  return { outcome: opened ? `reconciliation: ${after.reconciliation!.reason}` : `refund ${refund}`, intent: after };
}
