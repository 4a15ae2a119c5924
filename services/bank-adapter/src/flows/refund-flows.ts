// The ports every refund flow takes, and the refund flows bound to one set of them (what the commands
// consumer, the refund-inquiry poller and main.ts hold).
//
// A refund gives back a debit that bought nothing (channel.refund-requested from orchestration): the
// connector reverses the debit at the channel, with the same discipline as a debit (debit-flows.ts):
// - the refund is recorded as `sending` in the same transaction as the command's inbox row, and that
//   commits before the reversal leaves, so a redelivered command never sends it twice;
// - a reversal without an answer (timeout, 5xx, even a request that never left) is UNKNOWN, never
//   guessed: the refund poller asks the channel whether the debit is reversed, and sends the
//   reversal again only when the channel says it is not (a channel reverses a debit at most once);
// - every change and its result event (channel.refund-*) commit together through the outbox.
import type { EventOf } from '@gateway/contracts';
import type { RefundRecord } from '../domain/refund-state.ts';
import { refundDebit } from './refund-debit.flow.ts';
import { resolveDueRefund } from './resolve-due-refund.flow.ts';
import { channelFlowPorts } from './channel-flow-ports.ts';
import type { ChannelFlowDeps, ChannelFlowPorts } from './channel-flow-ports.ts';

export type RefundFlowPorts = ChannelFlowPorts;

export type RefundFlows = {
  refundRequested(event: EventOf<'channel.refund-requested'>): Promise<string>;
  /** One due refund the refund poller claimed: ask the channel, and reverse again if it was not. */
  resolveDue(record: RefundRecord): Promise<string>;
  /** Refunds with a call in flight in this process (the poller leaves them alone). */
  inFlight(): string[];
};

export type RefundFlowDeps = ChannelFlowDeps;

export function createRefundFlows(deps: RefundFlowDeps): RefundFlows {
  const ports = channelFlowPorts(deps, 'refund-processor');
  return {
    refundRequested: (event) => refundDebit(ports, event),
    resolveDue: (record) => resolveDueRefund(ports, record),
    inFlight: () => [...ports.flying],
  };
}
