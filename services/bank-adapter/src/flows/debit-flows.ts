// The ports every debit flow takes, and the debit flows bound to one set of them (what the commands
// consumer, the status-inquiry poller and main.ts hold).
//
// A debit is recorded as `sending` in the same transaction as the command's inbox row, and that
// transaction commits before the request leaves. So:
// - a redelivered command finds its inbox row and sends nothing (never twice to any channel);
// - a crash after the commit, before or during the call, leaves a `sending` record whose due time is
//   just past the call's timeout: the poller then asks the channel by our reference, and "not found"
//   after the channel's finality window (or absent from its closed statement of the day) proves the
//   request never arrived (failed, no money moved); until then it stays unknown;
// - a crash after the call, before its result is recorded, is resolved the same way, by asking.
// The OTP travels only in the command and the confirm request: never stored, never logged.
import type { EventOf } from '@gateway/contracts';
import type { DebitRecord } from '../domain/debit-state.ts';
import { confirmDebit } from './confirm-debit.flow.ts';
import { inquireDebitStatus } from './inquire-debit-status.flow.ts';
import { inquireDueDebit } from './inquire-due-debit.flow.ts';
import { sendDebit } from './send-debit.flow.ts';
import { channelFlowPorts } from './channel-flow-ports.ts';
import type { ChannelFlowDeps, ChannelFlowPorts } from './channel-flow-ports.ts';

export type DebitFlowPorts = ChannelFlowPorts;

export type CommandOutcome = string;

export type DebitFlows = {
  debitRequested(event: EventOf<'channel.debit-requested'>): Promise<CommandOutcome>;
  otpSubmitted(event: EventOf<'channel.otp-submitted'>): Promise<CommandOutcome>;
  statusRequested(event: EventOf<'channel.status-requested'>): Promise<CommandOutcome>;
  /** One due inquiry the poller claimed. */
  inquireDue(record: DebitRecord): Promise<CommandOutcome>;
  /** Debits with a call in flight in this process (the poller leaves them alone). */
  inFlight(): string[];
};

export type DebitFlowDeps = ChannelFlowDeps;

export function createDebitFlows(deps: DebitFlowDeps): DebitFlows {
  const ports = channelFlowPorts(deps, 'debit-processor');
  return {
    debitRequested: (event) => sendDebit(ports, event),
    otpSubmitted: (event) => confirmDebit(ports, event),
    statusRequested: (event) => inquireDebitStatus(ports, event),
    inquireDue: (record) => inquireDueDebit(ports, record),
    inFlight: () => [...ports.flying],
  };
}
