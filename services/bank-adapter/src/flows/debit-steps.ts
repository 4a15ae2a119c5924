// The steps the debit flows share (debit-flows.ts says how the record, the inbox and the call are
// ordered): recording a decision with its result, answering a repeat from the record, failing a
// debit that was never sent, settling a call's outcome, asking the channel.
import type { EventOf } from '@gateway/contracts';
import { handleOnce, withTransaction } from '@gateway/kit';
import type { PoolClient } from 'pg';
import type { CallOutcome } from '../channels/channel-gateway.ts';
import type { ChannelDefinition } from '../domain/channel-registry.ts';
import type { DebitAnswer } from '../domain/connector.ts';
import { afterAnswer, afterCallError, afterInconclusiveInquiry, afterInquiry, afterRefusedInquiry, isSettled, noticeOf, notSent, openStates } from '../domain/debit-state.ts';
import type { DebitDecision, DebitRecord } from '../domain/debit-state.ts';
import { markDebitAnswered } from '../store/pg-channel-stats-store.ts';
import { enqueueResult, insertDebit, lockDebit, saveDebit } from '../store/pg-debit-store.ts';
import { statementLacksReference } from '../store/pg-settlement-file-store.ts';
import type { DebitFlowPorts } from './debit-flows.ts';

/** The inbox name for channels.commands: stays the same whatever the consumer group is called. */
export const commandsInbox = 'bank-adapter.channel-commands';

/** Thrown from a call's beforeSend to stop the request from leaving: the command was handled already. */
export class NotSending extends Error {
  readonly outcome: string;
  constructor(outcome: string) {
    super(outcome);
    this.outcome = outcome;
  }
}

export const flightKey = (channelId: string, reference: string) => `${channelId} ${reference}`;

export type DebitKey = { channelId: string; reference: string };

export async function record(ports: DebitFlowPorts, client: PoolClient, decision: DebitDecision, causationId: string | null, insert = false): Promise<void> {
  if (insert) await insertDebit(client, decision.record);
  else await saveDebit(client, decision.record);
  if (decision.notice !== null) await enqueueResult(client, decision.record, decision.notice, { now: ports.now(), causationId, topic: ports.resultsTopic });
}

/** Answers a repeated command from the record alone: no call. */
export async function republish(ports: DebitFlowPorts, client: PoolClient, existing: DebitRecord, causationId: string): Promise<string> {
  const notice = isSettled(existing) || existing.state === 'otp_required' ? noticeOf(existing) : null;
  if (notice !== null) await enqueueResult(client, existing, notice, { now: ports.now(), causationId, topic: ports.resultsTopic });
  return `repeat: ${existing.state}`;
}

export function newRecord(p: EventOf<'channel.debit-requested'>['payload'], correlationId: string): DebitRecord {
  return {
    channelId: p.channelId,
    reference: p.reference,
    intentId: p.intentId,
    amount: p.amount,
    state: 'sending',
    channelRef: null,
    channelTxnId: null,
    debitedAt: null,
    failureReason: null,
    failureCode: null,
    failureMessage: null,
    otpLength: null,
    otpExpiresAt: null,
    otpAttemptsLeft: null,
    correlationId,
    attempts: 0,
    nextInquiryAt: null,
    sentAt: null,
    unknownSince: null,
    lastError: null,
  };
}

export function newRecordFromCommand(p: { intentId: string; channelId: string; reference: string }, correlationId: string): DebitRecord {
  // Only for results about a debit we never recorded: failed notices carry no amount.
  return newRecord({ ...p, amount: { amount: 1, currency: 'SYP' } } as EventOf<'channel.debit-requested'>['payload'], correlationId);
}

/** When the poller should take over a call whose process died: just after the call's own timeout. */
export function takeOverAt(channel: ChannelDefinition, now: Date): Date {
  return new Date(now.getTime() + channel.breaker.timeoutMs + channel.statusInquiry.backoffMs[0]!);
}

/** Records the call's outcome on a record that is still waiting for it. */
export async function settleCall(ports: DebitFlowPorts, channel: ChannelDefinition, key: DebitKey, expect: 'sending' | 'confirming', outcome: CallOutcome<DebitAnswer>, causationId: string): Promise<string> {
  return withTransaction(
    ports.pool,
    async (client) => {
      const current = await lockDebit(client, key.channelId, key.reference);
      const now = ports.now();
      // The debit request's own call came back (even if an inquiry settled it first): its latency.
      if (current !== null && expect === 'sending') await markDebitAnswered(client, key.channelId, key.reference, now);
      if (current === null || current.state !== expect) return `superseded: ${current?.state ?? 'missing'}`;
      const decision = outcome.ok ? afterAnswer(current, outcome.value) : afterCallError(current, outcome.effect, outcome.message, now, channel.statusInquiry, outcome.status);
      await record(ports, client, decision, causationId);
      return decision.record.state;
    },
    { retries: 3 },
  );
}

export async function failFast(
  ports: DebitFlowPorts,
  event: { eventId: string },
  key: DebitKey,
  fresh: DebitRecord | null,
  reason: 'channel_unavailable' | 'expired' | 'channel_error',
  message: string,
  onlyIf?: (r: DebitRecord) => boolean,
): Promise<string> {
  const handled = await handleOnce(
    ports.pool,
    commandsInbox,
    event,
    async (client) => {
      const existing = await lockDebit(client, key.channelId, key.reference);
      if (existing === null) {
        if (fresh === null) return 'ignored: no debit';
        await record(ports, client, notSent(fresh, reason, message), event.eventId, true);
        return `failed: ${reason}`;
      }
      if (onlyIf !== undefined && onlyIf(existing)) {
        await record(ports, client, notSent(existing, reason, message), event.eventId);
        return `failed: ${reason}`;
      }
      return republish(ports, client, existing, event.eventId);
    },
    { retries: 3 },
  );
  return handled.duplicate ? 'duplicate' : handled.result;
}

/** Asks the channel about one debit and records what it says. */
export async function inquire(ports: DebitFlowPorts, channel: ChannelDefinition, target: DebitRecord, causationId: string | null, expectOpen: boolean): Promise<string> {
  const outcome = await ports.gateway.call(target.channelId, 'inquiry', (connector, signal) => connector.inquire({ reference: target.reference, channelRef: target.channelRef }, signal));
  return withTransaction(
    ports.pool,
    async (client) => {
      const current = await lockDebit(client, target.channelId, target.reference);
      if (current === null) return 'missing';
      // Settled meanwhile (a command's call came back): its answer stands.
      if (expectOpen && !openStates.includes(current.state)) return `superseded: ${current.state}`;
      const now = ports.now();
      let decision: DebitDecision;
      if (outcome.ok) {
        const absent = outcome.value.kind === 'not_found' && current.sentAt !== null && (await statementLacksReference(client, current.channelId, current.reference, current.sentAt));
        decision = afterInquiry(current, outcome.value, now, channel.statusInquiry, absent);
      } else if (outcome.rejected) {
        // Refused here (breaker open, forced off): the channel was not asked; that costs no attempt.
        decision = afterRefusedInquiry(current, outcome.message, now, channel.statusInquiry);
      } else if (openStates.includes(current.state) || current.state === 'exhausted') decision = afterInconclusiveInquiry(current, outcome.message, now, channel.statusInquiry);
      else {
        // Asked about a debit waiting for its OTP and got no answer: what we last knew stands.
        decision = { record: current, notice: noticeOf(current) };
      }
      await record(ports, client, decision, causationId);
      return decision.record.state;
    },
    { retries: 3 },
  );
}
