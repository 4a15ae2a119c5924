// What the adapter does for each command and each due status inquiry: decide in Postgres, call the
// channel through its gateway lane, record the answer and its result event in one transaction.
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
import { handleOnce, withTransaction } from '@gateway/kit';
import type { Logger } from '@gateway/kit';
import type { Pool, PoolClient } from 'pg';
import type { CallOutcome, ChannelGateway } from '../channels/channel-gateway.ts';
import type { ChannelDefinition } from '../domain/channel-registry.ts';
import type { DebitAnswer } from '../domain/connector.ts';
import { afterAnswer, afterCallError, afterInconclusiveInquiry, afterInquiry, afterRefusedInquiry, isSettled, noticeOf, notSent, openStates } from '../domain/debit-state.ts';
import type { DebitDecision, DebitRecord } from '../domain/debit-state.ts';
import { enqueueResult, insertDebit, lockDebit, saveDebit } from '../store/pg-debit-store.ts';
import { statementLacksReference } from '../store/pg-settlement-file-store.ts';

/** The inbox name for channels.commands: stays the same whatever the consumer group is called. */
export const commandsInbox = 'bank-adapter.channel-commands';

export type DebitProcessorDeps = {
  pool: Pool;
  gateway: ChannelGateway;
  logger: Logger;
  clock?: (() => Date) | undefined;
  /** Where results go; channels.results unless a test says otherwise. */
  resultsTopic?: string | undefined;
};

export type CommandOutcome = string;

export type DebitProcessor = {
  debitRequested(event: EventOf<'channel.debit-requested'>): Promise<CommandOutcome>;
  otpSubmitted(event: EventOf<'channel.otp-submitted'>): Promise<CommandOutcome>;
  statusRequested(event: EventOf<'channel.status-requested'>): Promise<CommandOutcome>;
  /** One due inquiry the poller claimed. */
  inquireDue(record: DebitRecord): Promise<CommandOutcome>;
  /** Debits with a call in flight in this process (the poller leaves them alone). */
  inFlight(): string[];
};

/** Thrown from a call's beforeSend to stop the request from leaving: the command was handled already. */
class NotSending extends Error {
  readonly outcome: string;
  constructor(outcome: string) {
    super(outcome);
    this.outcome = outcome;
  }
}

const flightKey = (channelId: string, reference: string) => `${channelId} ${reference}`;

export function createDebitProcessor(deps: DebitProcessorDeps): DebitProcessor {
  const { pool, gateway } = deps;
  const log = deps.logger.child({ component: 'debit-processor' });
  const clock = deps.clock ?? (() => new Date());
  const flying = new Set<string>();

  async function record(client: PoolClient, decision: DebitDecision, causationId: string | null, insert = false): Promise<void> {
    if (insert) await insertDebit(client, decision.record);
    else await saveDebit(client, decision.record);
    if (decision.notice !== null) await enqueueResult(client, decision.record, decision.notice, { now: clock(), causationId, topic: deps.resultsTopic });
  }

  /** Answers a repeated command from the record alone: no call. */
  async function republish(client: PoolClient, existing: DebitRecord, causationId: string): Promise<string> {
    const notice = isSettled(existing) || existing.state === 'otp_required' ? noticeOf(existing) : null;
    if (notice !== null) await enqueueResult(client, existing, notice, { now: clock(), causationId, topic: deps.resultsTopic });
    return `repeat: ${existing.state}`;
  }

  function newRecord(p: EventOf<'channel.debit-requested'>['payload'], correlationId: string): DebitRecord {
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

  /** When the poller should take over a call whose process died: just after the call's own timeout. */
  function takeOverAt(channel: ChannelDefinition, now: Date): Date {
    return new Date(now.getTime() + channel.breaker.timeoutMs + channel.statusInquiry.backoffMs[0]!);
  }

  /** Records the call's outcome on a record that is still waiting for it. */
  async function settleCall(channel: ChannelDefinition, key: { channelId: string; reference: string }, expect: 'sending' | 'confirming', outcome: CallOutcome<DebitAnswer>, causationId: string): Promise<string> {
    return withTransaction(
      pool,
      async (client) => {
        const current = await lockDebit(client, key.channelId, key.reference);
        if (current === null || current.state !== expect) return `superseded: ${current?.state ?? 'missing'}`;
        const now = clock();
        const decision = outcome.ok ? afterAnswer(current, outcome.value) : afterCallError(current, outcome.effect, outcome.message, now, channel.statusInquiry, outcome.status);
        await record(client, decision, causationId);
        return decision.record.state;
      },
      { retries: 3 },
    );
  }

  async function failFast(event: { eventId: string }, key: { channelId: string; reference: string }, fresh: DebitRecord | null, reason: 'channel_unavailable' | 'expired' | 'channel_error', message: string, onlyIf?: (r: DebitRecord) => boolean): Promise<string> {
    const handled = await handleOnce(
      pool,
      commandsInbox,
      event,
      async (client) => {
        const existing = await lockDebit(client, key.channelId, key.reference);
        if (existing === null) {
          if (fresh === null) return 'ignored: no debit';
          await record(client, notSent(fresh, reason, message), event.eventId, true);
          return `failed: ${reason}`;
        }
        if (onlyIf !== undefined && onlyIf(existing)) {
          await record(client, notSent(existing, reason, message), event.eventId);
          return `failed: ${reason}`;
        }
        return republish(client, existing, event.eventId);
      },
      { retries: 3 },
    );
    return handled.duplicate ? 'duplicate' : handled.result;
  }

  async function debitRequested(event: EventOf<'channel.debit-requested'>): Promise<string> {
    const p = event.payload;
    const key = { channelId: p.channelId, reference: p.reference };
    const fresh = newRecord(p, event.correlationId);
    const channel = gateway.definition(p.channelId);
    const now = clock();
    if (channel === undefined) return failFast(event, key, fresh, 'channel_unavailable', `The adapter has no channel ${p.channelId}.`);
    if (now.getTime() >= Date.parse(p.expiresAt)) return failFast(event, key, fresh, 'expired', 'The intent expired before the debit could be sent.');
    const state = gateway.state(p.channelId);
    if (state === 'open' || state === 'forced_off') return failFast(event, key, fresh, 'channel_unavailable', `The channel is unavailable (${state.replace('_', ' ')}).`);

    const flight = flightKey(p.channelId, p.reference);
    try {
      const outcome = await gateway.call(
        p.channelId,
        'debit',
        (connector, signal) => connector.debit({ reference: p.reference, payer: p.payer, amount: p.amount, description: p.description }, signal),
        {
          beforeSend: async () => {
            const handled = await handleOnce(pool, commandsInbox, event, async (client): Promise<string | null> => {
              const existing = await lockDebit(client, p.channelId, p.reference);
              // Ours already (another command for the same reference): never a second send.
              if (existing !== null) return republish(client, existing, event.eventId);
              const sentAt = clock();
              await insertDebit(client, { ...fresh, sentAt, nextInquiryAt: takeOverAt(channel, sentAt) });
              return null;
            });
            if (handled.duplicate) throw new NotSending('duplicate');
            if (handled.result !== null) throw new NotSending(handled.result);
            flying.add(flight);
          },
        },
      );
      // A call that was refused before beforeSend ran (the lane turned unavailable while waiting)
      // recorded nothing: fail it like any other fast fail.
      if (!outcome.ok && outcome.rejected && !flying.has(flight)) return failFast(event, key, fresh, 'channel_unavailable', outcome.message);
      if (!outcome.ok) log.warn({ intentId: p.intentId, channelId: p.channelId, effect: outcome.effect, error: outcome.message }, 'debit call got no answer');
      return await settleCall(channel, key, 'sending', outcome, event.eventId);
    } catch (error) {
      if (error instanceof NotSending) return error.outcome;
      throw error;
    } finally {
      flying.delete(flight);
    }
  }

  async function otpSubmitted(event: EventOf<'channel.otp-submitted'>): Promise<string> {
    const p = event.payload;
    const key = { channelId: p.channelId, reference: p.reference };
    const channel = gateway.definition(p.channelId);
    const waiting = (r: DebitRecord) => r.state === 'otp_required';
    if (channel === undefined) return failFast(event, key, null, 'channel_unavailable', `The adapter has no channel ${p.channelId}.`, waiting);
    const state = gateway.state(p.channelId);
    // The OTP cannot reach the channel; the wallet's pending debit lapses unconfirmed: nothing moves.
    if (state === 'open' || state === 'forced_off') return failFast(event, key, null, 'channel_unavailable', `The channel is unavailable (${state.replace('_', ' ')}).`, waiting);

    const flight = flightKey(p.channelId, p.reference);
    let channelRef: string | null = null;
    try {
      const outcome = await gateway.call(
        p.channelId,
        'confirm',
        (connector, signal) => connector.confirmOtp(channelRef!, p.otp, signal),
        {
          beforeSend: async () => {
            const handled = await handleOnce(pool, commandsInbox, event, async (client): Promise<string | null> => {
              const existing = await lockDebit(client, p.channelId, p.reference);
              if (existing === null) {
                // Never sent by us (every debit is recorded before it is sent): nothing to confirm, nothing moved.
                const orphan = { ...newRecordFromCommand(p, event.correlationId) };
                await enqueueResult(client, orphan, { type: 'channel.debit-failed', reason: 'channel_error', message: 'No debit to confirm for this reference.', channelCode: null }, { now: clock(), causationId: event.eventId, topic: deps.resultsTopic });
                return 'failed: no debit';
              }
              if (existing.state !== 'otp_required' || existing.channelRef === null) return republish(client, existing, event.eventId);
              const now = clock();
              channelRef = existing.channelRef;
              await saveDebit(client, { ...existing, state: 'confirming', nextInquiryAt: takeOverAt(channel, now), lastError: null });
              return null;
            });
            if (handled.duplicate) throw new NotSending('duplicate');
            if (handled.result !== null) throw new NotSending(handled.result);
            flying.add(flight);
          },
        },
      );
      if (!outcome.ok && outcome.rejected && !flying.has(flight)) return failFast(event, key, null, 'channel_unavailable', outcome.message, waiting);
      if (!outcome.ok) log.warn({ intentId: p.intentId, channelId: p.channelId, effect: outcome.effect, error: outcome.message }, 'confirm call got no answer');
      return await settleCall(channel, key, 'confirming', outcome, event.eventId);
    } catch (error) {
      if (error instanceof NotSending) return error.outcome;
      throw error;
    } finally {
      flying.delete(flight);
    }
  }

  function newRecordFromCommand(p: { intentId: string; channelId: string; reference: string }, correlationId: string): DebitRecord {
    // Only for results about a debit we never recorded: failed notices carry no amount.
    return newRecord({ ...p, amount: { amount: 1, currency: 'SYP' } } as EventOf<'channel.debit-requested'>['payload'], correlationId);
  }

  /** Asks the channel about one debit and records what it says. */
  async function inquire(channel: ChannelDefinition, target: DebitRecord, causationId: string | null, expectOpen: boolean): Promise<string> {
    const outcome = await gateway.call(target.channelId, 'inquiry', (connector, signal) => connector.inquire({ reference: target.reference, channelRef: target.channelRef }, signal));
    return withTransaction(
      pool,
      async (client) => {
        const current = await lockDebit(client, target.channelId, target.reference);
        if (current === null) return 'missing';
        // Settled meanwhile (a command's call came back): its answer stands.
        if (expectOpen && !openStates.includes(current.state)) return `superseded: ${current.state}`;
        const now = clock();
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
        await record(client, decision, causationId);
        return decision.record.state;
      },
      { retries: 3 },
    );
  }

  async function statusRequested(event: EventOf<'channel.status-requested'>): Promise<string> {
    const p = event.payload;
    const channel = gateway.definition(p.channelId);
    const handled = await handleOnce(
      pool,
      commandsInbox,
      event,
      async (client): Promise<{ done: string } | { ask: DebitRecord }> => {
        const existing = await lockDebit(client, p.channelId, p.reference);
        if (existing === null) {
          // We record every debit before sending it, so none was sent: nothing can have moved.
          const orphan = newRecordFromCommand(p, event.correlationId);
          await enqueueResult(client, orphan, { type: 'channel.debit-failed', reason: 'channel_error', message: 'The adapter never sent this debit.', channelCode: null }, { now: clock(), causationId: event.eventId, topic: deps.resultsTopic });
          return { done: 'failed: never sent' };
        }
        if (isSettled(existing)) return { done: await republish(client, existing, event.eventId) };
        return { ask: existing };
      },
      { retries: 3 },
    );
    if (handled.duplicate) return 'duplicate';
    if ('done' in handled.result) return handled.result.done;
    if (channel === undefined) return 'ignored: unknown channel';
    const target = handled.result.ask;
    if (flying.has(flightKey(target.channelId, target.reference))) return 'in flight: its answer will be published';
    return inquire(channel, target, event.eventId, false);
  }

  async function inquireDue(target: DebitRecord): Promise<string> {
    const channel = gateway.definition(target.channelId);
    if (channel === undefined) {
      log.error({ channelId: target.channelId, reference: target.reference }, 'a debit is pending at a channel no longer configured; reconcile it by hand');
      return 'unknown channel';
    }
    const flight = flightKey(target.channelId, target.reference);
    if (flying.has(flight)) return 'in flight';
    flying.add(flight);
    try {
      return await inquire(channel, target, null, true);
    } finally {
      flying.delete(flight);
    }
  }

  return { debitRequested, otpSubmitted, statusRequested, inquireDue, inFlight: () => [...flying] };
}
