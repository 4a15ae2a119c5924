// One channel's whole state, in memory: its ledger, its debits, its fault settings. A simulator
// restart forgets everything (balances return to the demo balance, debits and references are gone);
// that is acceptable for a simulator and documented in the README.
//
// Concurrency: every operation below is synchronous from lookup to commit. Node runs one of them at a
// time, so two identical debits arriving together cannot both pass the "reference seen?" check, and
// a confirm cannot move money twice. Keep it that way: an `await` inside an operation would reopen
// the race the dedupe exists to close.
import { randomUUID } from 'node:crypto';
import type { Money } from '@gateway/contracts';
import type { Channel } from '../domain/channel.ts';
import { awaitOtp, checkOtp, checkReversal, expireIfDue, fail, receiveDebit, sameRequest, succeed } from '../domain/debit.ts';
import type { Debit, ReceivedDebit } from '../domain/debit.ts';
import { applyControlUpdate, defaultControlSettings, moneyDecision } from '../domain/faults.ts';
import type { ControlSettings, ControlUpdate, RandomSource } from '../domain/faults.ts';
import { createLedger, deposit, isBlocked, withdraw } from '../domain/ledger.ts';
import type { Ledger } from '../domain/ledger.ts';
import { parsePayer, rawPayer } from '../domain/payer.ts';
import type { PayerInput } from '../domain/payer.ts';
import { misstateSettlement, settlementRows } from '../domain/settlement.ts';
import type { SettlementRow } from '../domain/settlement.ts';

export interface DebitRequest {
  readonly reference: string;
  readonly payer: PayerInput;
  readonly amount: Money;
  readonly description: string;
}

export type SubmitOutcome =
  | { readonly kind: 'created'; readonly debit: Debit }
  /** A dedupe channel saw this reference before: the original, never a second debit. */
  | { readonly kind: 'duplicate'; readonly debit: Debit }
  /** A dedupe channel saw this reference with another payer or amount. */
  | { readonly kind: 'reference_conflict'; readonly debit: Debit }
  /** queueDebitsMs is on: taken, not yet acted on, and no reply will come. */
  | { readonly kind: 'queued' };

export type ConfirmOutcome =
  | { readonly kind: 'not_found' }
  | { readonly kind: 'otp_not_required'; readonly debit: Debit }
  | { readonly kind: 'invalid_otp'; readonly debit: Debit }
  /** The debit's state after the confirm: succeeded (now or before) or failed. */
  | { readonly kind: 'settled'; readonly debit: Debit };

export type ReversalOutcome =
  | { readonly kind: 'not_found' }
  | { readonly kind: 'reversed'; readonly debit: Debit }
  | { readonly kind: 'not_reversible'; readonly debit: Debit };

export interface Transaction {
  readonly debitId: string;
  readonly reference: string;
  readonly txnId: string;
  readonly payer: string;
  readonly amount: Money;
  readonly status: 'succeeded' | 'reversed';
  readonly debitedAt: string;
  readonly reversedAt?: string;
}

/**
 * How often each fault actually hit a call since the start (GET /stats): a test that turned a fault on
 * proves with these that calls met it, rather than passing because nothing came while it was on.
 */
export interface FaultCounters {
  /** Effects committed (a debit, a confirm, a reversal) whose reply was then dropped (dropReplyRate). */
  repliesDropped: number;
  /** API answers held back by latencyMs > 0. */
  callsDelayed: number;
  /** Of those, the ones whose client had hung up (timed out) before the delayed answer was due. */
  delayedCallsAbandoned: number;
  /** API calls refused with 503 by the outage switch. */
  outageRefused: number;
}

export interface ChannelState {
  readonly channel: Channel;
  readonly random: RandomSource;
  control(): ControlSettings;
  updateControl(update: ControlUpdate): ControlSettings;
  resetControl(): ControlSettings;
  submitDebit(request: DebitRequest): SubmitOutcome;
  confirmDebit(debitId: string, otp: string): ConfirmOutcome;
  findDebit(debitId: string): Debit | undefined;
  /** The latest debit with that reference (a non-deduping channel may hold several). */
  findByReference(reference: string): Debit | undefined;
  reverseDebit(debitId: string, reason: string): ReversalOutcome;
  transactions(reference?: string): Transaction[];
  settlement(date: string): SettlementRow[];
  balanceOf(payer: string): number;
  faultCounters(): FaultCounters;
  countFault(counter: keyof FaultCounters): void;
}

export interface ChannelStateOptions {
  random?: RandomSource;
  clock?: () => Date;
  /** Ids are UUIDs so that they stay unique across restarts: the gateway keeps our txnIds forever. */
  newId?: () => string;
}

export function createChannelState(channel: Channel, options: ChannelStateOptions = {}): ChannelState {
  const random = options.random ?? Math.random;
  const clock = options.clock ?? (() => new Date());
  const newId = options.newId ?? randomUUID;
  const payerInput = (payer: string): PayerInput => (channel.kind === 'wallet' ? { msisdn: payer } : { accountNo: payer });
  // Configured payers are keyed like incoming ones, so "0912…" in the file matches "+963912…" on the wire.
  const accounts = channel.accounts.map((account) => {
    const parsed = parsePayer(channel.kind, payerInput(account.payer));
    return parsed.ok ? { ...account, payer: parsed.key } : account;
  });
  const ledger: Ledger = createLedger(accounts, channel.demoBalance);
  const byId = new Map<string, Debit>();
  const byReference = new Map<string, string[]>();
  let control: ControlSettings = defaultControlSettings;
  // Never reset (not by /control/reset either): a reader compares two readings.
  const counters: FaultCounters = { repliesDropped: 0, callsDelayed: 0, delayedCallsAbandoned: 0, outageRefused: 0 };
  // Debits taken while queueDebitsMs was on, in arrival order, each acted on once its time comes.
  // Applied lazily at the start of every operation (no timer), so operations stay synchronous.
  let queue: { request: DebitRequest; applyAt: number }[] = [];

  function applyQueued(): void {
    const now = clock().getTime();
    const due = queue.filter((q) => q.applyAt <= now);
    if (due.length === 0) return;
    queue = queue.filter((q) => q.applyAt > now);
    for (const q of due) receive(q.request);
  }

  function store(debit: Debit): Debit {
    byId.set(debit.debitId, debit);
    return debit;
  }

  function current(debitId: string): Debit | undefined {
    applyQueued();
    const debit = byId.get(debitId);
    if (debit === undefined) return undefined;
    const fresh = expireIfDue(debit, clock());
    return fresh === debit ? debit : store(fresh);
  }

  // Where the money moves, for a bank on arrival and for a wallet on the right OTP.
  function settle(debit: ReceivedDebit): Debit {
    const now = clock();
    if (isBlocked(ledger, debit.payer)) return fail(debit, 'declined', 'account blocked');
    const decision = moneyDecision(control, random);
    if (decision === 'declined') return fail(debit, 'declined', 'declined by the channel');
    if (decision === 'insufficient_funds') return fail(debit, 'insufficient_funds');
    const withdrawal = withdraw(ledger, debit.payer, debit.amount.amount);
    if (!withdrawal.ok) return fail(debit, withdrawal.code);
    return succeed(debit, `txn_${newId()}`, now);
  }

  function submitDebit(request: DebitRequest): SubmitOutcome {
    applyQueued();
    if (control.queueDebitsMs > 0) {
      queue.push({ request, applyAt: clock().getTime() + control.queueDebitsMs });
      return { kind: 'queued' };
    }
    return receive(request);
  }

  function receive(request: DebitRequest): SubmitOutcome {
    const parsed = parsePayer(channel.kind, request.payer);
    const payer = parsed.ok ? parsed.key : rawPayer(channel.kind, request.payer);
    if (channel.dedupesByReference) {
      const firstId = byReference.get(request.reference)?.[0];
      const original = firstId === undefined ? undefined : current(firstId);
      if (original !== undefined) {
        return sameRequest(original, payer, request.amount) ? { kind: 'duplicate', debit: original } : { kind: 'reference_conflict', debit: original };
      }
    }
    const received = receiveDebit(
      { debitId: `dbt_${newId()}`, reference: request.reference, payer, amount: request.amount, description: request.description },
      clock(),
    );
    let debit: Debit;
    if (!parsed.ok) debit = fail(received, 'invalid_payer');
    else if (request.amount.currency !== channel.currency) debit = fail(received, 'declined', `this channel only debits ${channel.currency}`);
    else if (channel.kind === 'wallet') debit = awaitOtp(received, clock(), channel.otpTtlMs, channel.otpAttempts);
    else debit = settle(received);
    store(debit);
    byReference.set(request.reference, [...(byReference.get(request.reference) ?? []), debit.debitId]);
    return { kind: 'created', debit };
  }

  function confirmDebit(debitId: string, otp: string): ConfirmOutcome {
    const debit = current(debitId);
    if (debit === undefined) return { kind: 'not_found' };
    if (channel.kind !== 'wallet') return { kind: 'otp_not_required', debit };
    const check = checkOtp(debit, otp, clock());
    switch (check.kind) {
      case 'accepted':
        return { kind: 'settled', debit: store(settle(debit)) };
      case 'retry':
        return { kind: 'invalid_otp', debit: store(check.debit) };
      case 'final':
        return { kind: 'settled', debit: store(check.debit) };
    }
  }

  function reverseDebit(debitId: string, reason: string): ReversalOutcome {
    const debit = current(debitId);
    if (debit === undefined) return { kind: 'not_found' };
    const check = checkReversal(debit, reason, clock());
    switch (check.kind) {
      case 'already_reversed':
        return { kind: 'reversed', debit };
      case 'not_reversible':
        return { kind: 'not_reversible', debit };
      case 'reverse':
        deposit(ledger, debit.payer, debit.amount.amount);
        return { kind: 'reversed', debit: store(check.debit) };
    }
  }

  function transactions(reference?: string): Transaction[] {
    applyQueued();
    const list: Transaction[] = [];
    for (const debit of byId.values()) {
      if (debit.status !== 'succeeded' || debit.txnId === undefined || debit.debitedAt === undefined) continue;
      if (reference !== undefined && debit.reference !== reference) continue;
      list.push({
        debitId: debit.debitId,
        reference: debit.reference,
        txnId: debit.txnId,
        payer: debit.payer,
        amount: debit.amount,
        status: debit.reversedAt === undefined ? 'succeeded' : 'reversed',
        debitedAt: debit.debitedAt,
        ...(debit.reversedAt === undefined ? {} : { reversedAt: debit.reversedAt }),
      });
    }
    return list;
  }

  return {
    channel,
    random,
    control: () => control,
    updateControl(update) {
      control = applyControlUpdate(control, update);
      return control;
    },
    resetControl() {
      control = defaultControlSettings;
      return control;
    },
    submitDebit,
    confirmDebit,
    findDebit: current,
    findByReference(reference) {
      applyQueued();
      const ids = byReference.get(reference);
      const latest = ids?.[ids.length - 1];
      return latest === undefined ? undefined : current(latest);
    },
    reverseDebit,
    transactions,
    settlement(date) {
      applyQueued();
      const day = { cutOff: channel.settlementCutOff, timeZone: channel.settlementTimeZone };
      return misstateSettlement(settlementRows(byId.values(), date, day), control, date, channel.currency, day);
    },
    balanceOf(payer) {
      const parsed = parsePayer(channel.kind, payerInput(payer));
      return parsed.ok ? (ledger.balances.get(parsed.key) ?? ledger.demoBalance) : 0;
    },
    faultCounters: () => ({ ...counters }),
    countFault(counter) {
      counters[counter] += 1;
    },
  };
}
