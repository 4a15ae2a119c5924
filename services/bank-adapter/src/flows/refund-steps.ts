// The steps the refund flows share (refund-flows.ts says how the record, the inbox and the call are
// ordered): recording what the channel's word (or silence) made of a refund, and sending the reversal.
import { withTransaction } from '@gateway/kit';
import type { CallOutcome } from '../channels/channel-gateway.ts';
import type { ChannelDefinition } from '../domain/channel-registry.ts';
import type { ReversalAnswer } from '../domain/connector.ts';
import { afterReversal, afterReversalError, inconclusive } from '../domain/refund-state.ts';
import type { RefundDecision, RefundRecord } from '../domain/refund-state.ts';
import { enqueueRefundResult, lockRefund, saveRefund } from '../store/pg-refund-store.ts';
import type { RefundFlowPorts } from './refund-flows.ts';

export const refundFlightKey = (r: { channelId: string; reference: string }) => `${r.channelId} ${r.reference}`;
const reasonOf = (r: RefundRecord) => `Refund of ${r.reference}: the payment it was for was refused`;

/** Records what the channel's word (or silence) made of a refund still waiting for it. */
export async function settleRefund(ports: RefundFlowPorts, target: RefundRecord, decide: (current: RefundRecord, now: Date) => RefundDecision, causationId: string | null): Promise<string> {
  return withTransaction(
    ports.pool,
    async (client) => {
      const current = await lockRefund(client, target.channelId, target.reference);
      if (current === null) return 'missing';
      if (current.state !== 'sending' && current.state !== 'unknown') return `superseded: ${current.state}`;
      const decision = decide(current, ports.now());
      await saveRefund(client, decision.record);
      if (decision.notice !== null) await enqueueRefundResult(client, decision.record, decision.notice, { now: ports.now(), causationId, topic: ports.resultsTopic });
      return decision.record.state;
    },
    { retries: 3 },
  );
}

function fromReversal(channel: ChannelDefinition, outcome: CallOutcome<ReversalAnswer>) {
  return (current: RefundRecord, now: Date): RefundDecision => {
    if (outcome.ok) return afterReversal(current, outcome.value, now);
    // Refused by our own breaker or switch: nothing left, and no attempt of the schedule is used.
    if (outcome.rejected) return inconclusive(current, outcome.message, now, channel.statusInquiry, true);
    return afterReversalError(current, outcome.effect, outcome.message, now, channel.statusInquiry, outcome.status);
  };
}

export async function reverse(ports: RefundFlowPorts, channel: ChannelDefinition, record: RefundRecord, causationId: string | null): Promise<string> {
  const outcome = await ports.gateway.call(record.channelId, 'reversal', (connector, signal) => connector.reverse(record.channelRef, reasonOf(record), signal));
  if (!outcome.ok) ports.logger.warn({ intentId: record.intentId, channelId: record.channelId, effect: outcome.effect, error: outcome.message }, 'reversal got no answer');
  return settleRefund(ports, record, fromReversal(channel, outcome), causationId);
}
