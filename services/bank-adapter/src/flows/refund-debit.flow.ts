// channel.refund-requested: give back a debit that bought nothing, by reversing it at the channel
// (refund-flows.ts says how the record, the inbox and the reversal are ordered). A repeat is answered
// from the record; a refund of nothing we debited fails at once for a person to look into.
import type { EventOf } from '@gateway/contracts';
import { handleOnce } from '@gateway/kit';
import { refundFailed, refundNoticeOf } from '../domain/refund-state.ts';
import type { RefundRecord } from '../domain/refund-state.ts';
import { lockDebit } from '../store/pg-debit-store.ts';
import { enqueueRefundResult, insertRefund, lockRefund } from '../store/pg-refund-store.ts';
import { commandsInbox } from './debit-steps.ts';
import type { RefundFlowPorts } from './refund-flows.ts';
import { refundFlightKey, reverse } from './refund-steps.ts';

export async function refundDebit(ports: RefundFlowPorts, event: EventOf<'channel.refund-requested'>): Promise<string> {
  const p = event.payload;
  const channel = ports.gateway.definition(p.channelId);
  const handled = await handleOnce(
    ports.pool,
    commandsInbox,
    event,
    async (client): Promise<{ done: string } | { send: RefundRecord }> => {
      const existing = await lockRefund(client, p.channelId, p.reference);
      if (existing !== null) {
        // A repeated command: answered from the record; the poller owns an open one.
        const notice = refundNoticeOf(existing);
        if (notice !== null) await enqueueRefundResult(client, existing, notice, { now: ports.now(), causationId: event.eventId, topic: ports.resultsTopic });
        return { done: `repeat: ${existing.state}` };
      }
      const debit = await lockDebit(client, p.channelId, p.reference);
      const base = { channelId: p.channelId, reference: p.reference, intentId: p.intentId, channelTxnId: p.channelTxnId, amount: p.amount, correlationId: event.correlationId };
      if (channel === undefined || debit === null || debit.state !== 'succeeded' || debit.channelRef === null || debit.channelTxnId !== p.channelTxnId) {
        // Nothing we debited matches: there is nothing to reverse, and a person must find out why.
        const why = channel === undefined ? `The adapter has no channel ${p.channelId}.` : `No succeeded debit ${p.channelTxnId} under this reference to give back.`;
        await enqueueRefundResult(client, base, refundFailed({ ...fresh(base, ''), state: 'sending' }, why, null).notice!, { now: ports.now(), causationId: event.eventId, topic: ports.resultsTopic });
        return { done: 'failed: no debit' };
      }
      const record = fresh(base, debit.channelRef);
      // Past the call's own timeout the poller takes over, should this process die mid-call.
      record.nextInquiryAt = new Date(ports.now().getTime() + channel.breaker.timeoutMs + channel.statusInquiry.backoffMs[0]!);
      await insertRefund(client, record);
      return { send: record };
    },
    { retries: 3 },
  );
  if (handled.duplicate) return 'duplicate';
  if ('done' in handled.result) return handled.result.done;
  const record = handled.result.send;
  ports.flying.add(refundFlightKey(record));
  try {
    return await reverse(ports, channel!, record, event.eventId);
  } finally {
    ports.flying.delete(refundFlightKey(record));
  }
}

function fresh(base: { channelId: string; reference: string; intentId: string; channelTxnId: string; amount: RefundRecord['amount']; correlationId: string }, channelRef: string): RefundRecord {
  return {
    ...base,
    channelRef,
    state: 'sending',
    reversalId: null,
    refundedAt: null,
    failureCode: null,
    failureMessage: null,
    attempts: 0,
    nextInquiryAt: null,
    unknownSince: null,
    lastError: null,
  };
}
