// An operator's (or payment orchestration's complaint check's) live status inquiry of one debit: the
// channel is asked now, through its breaker, what became of the debit with our reference and, when it
// debited, whether it was given back. Read-only: the adapter's own records are shown beside the answer,
// not changed by it (the debit's and the refund's inquiry pollers own those), so asking cannot race them.
import type { DebitInquiry } from '@gateway/contracts';
import type { Queryable } from '@gateway/kit';
import type { ChannelGateway } from '../channels/channel-gateway.ts';
import type { InquiryAnswer } from '../domain/connector.ts';
import { findRefund } from '../store/pg-refund-store.ts';
import { intentDebits } from './channel-insights.flow.ts';

export type DebitInquiryOutcome =
  | { kind: 'answered'; inquiry: DebitInquiry }
  | { kind: 'unknown_channel' }
  /** The channel could not be asked (forced off, breaker open, timeout, an error): nothing is known. */
  | { kind: 'unavailable'; message: string };

function channelWord(answer: InquiryAnswer): DebitInquiry['channel'] {
  const none = { amount: null, channelRef: null, txnId: null, debitedAt: null, failure: null };
  switch (answer.kind) {
    case 'succeeded':
      return { status: 'succeeded', amount: answer.amount, channelRef: answer.channelRef, txnId: answer.txnId, debitedAt: answer.debitedAt, failure: null };
    case 'otp_required':
      return { ...none, status: 'otp_required', channelRef: answer.channelRef };
    case 'failed':
      return { ...none, status: 'failed', channelRef: answer.channelRef, failure: { reason: answer.reason, code: answer.code, message: answer.message } };
    case 'not_found':
      return { ...none, status: 'not_found' };
  }
}

export async function inquireDebitLive(ports: { db: Queryable; gateway: ChannelGateway; now: () => Date }, channelId: string, reference: string): Promise<DebitInquiryOutcome> {
  if (ports.gateway.definition(channelId) === undefined) return { kind: 'unknown_channel' };
  // Debit references are the intents' ids (orchestration's reference), so the record is the intent's debit at this channel.
  const [debits, refund] = await Promise.all([intentDebits(ports.db, [reference]), findRefund(ports.db, channelId, reference)]);
  const debit = debits.find((d) => d.channelId === channelId && d.reference === reference) ?? null;
  const asked = await ports.gateway.call(channelId, 'inquiry', (connector, signal) => connector.inquire({ reference, channelRef: debit?.channelRef ?? null }, signal));
  if (!asked.ok) return { kind: 'unavailable', message: asked.message };
  const channel = channelWord(asked.value);
  let reversal: DebitInquiry['reversal'] = null;
  if (channel.status === 'succeeded' && channel.channelRef !== null) {
    const channelRef = channel.channelRef;
    const reversed = await ports.gateway.call(channelId, 'inquiry', (connector, signal) => connector.reversalStatus(channelRef, signal));
    if (!reversed.ok) return { kind: 'unavailable', message: reversed.message };
    reversal = { status: reversed.value.kind, reversedAt: reversed.value.kind === 'reversed' ? reversed.value.reversedAt : null };
  }
  return {
    kind: 'answered',
    inquiry: {
      channelId,
      reference,
      inquiredAt: ports.now().toISOString(),
      channel,
      reversal,
      debit,
      refund:
        refund === null
          ? null
          : {
              state: refund.state,
              amount: refund.amount,
              reversalId: refund.reversalId,
              refundedAt: refund.refundedAt,
              failure: refund.failureCode === null && refund.failureMessage === null ? null : { code: refund.failureCode, message: refund.failureMessage },
              attempts: refund.attempts,
              lastError: refund.lastError,
            },
    },
  };
}
