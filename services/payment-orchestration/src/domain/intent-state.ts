// The payment-intent state machine (docs/design.md, "The two payment flows"), as plain functions over plain
// data. The store locks the row, asks `decideIntent` what an input does, and applies the answer; the
// consumer, the routes and the expiry sweeper all go through here, so every rule lives in one place.
//
// Rules that are not obvious:
//   - A timeout is UNKNOWN, never FAILED: only the channel (through the adapter) can say "no money
//     moved", and only debit-failed carries that statement.
//   - Terminal states absorb late results, with one exception: a debit-succeeded after cancel or
//     expiry means money moved. It is never dropped: the payment is recorded anyway (the intent
//     becomes `succeeded`, the bill is paid as the payer wanted), or, if recording is refused (the
//     bill was paid by another channel meanwhile), the intent ends `canceled` and the debit is given
//     back automatically (channel.refund-requested); only a channel that refuses the reversal puts
//     it in front of a person. No acknowledged debit is ever lost.
//   - Cancel is allowed only while the channel waits for the payer's OTP: no debit can happen without
//     it, and we never send it after a cancel. While `processing` or `unknown` the debit may be in
//     flight or done, and a cancel we could not honour would lie to the payer, so it is refused.
//   - Reconciliation is a flag beside the status, not a status: the portal still sees `unknown` (or
//     the terminal status) while an operator works the queue, and a later result clears the flag.
import type { FailureReason, IntentStatus, ReconciliationReason } from '@gateway/contracts';

export const terminalIntentStatuses = ['succeeded', 'failed', 'canceled'] as const satisfies readonly IntentStatus[];
export type TerminalIntentStatus = (typeof terminalIntentStatuses)[number];

export function isTerminal(status: IntentStatus): status is TerminalIntentStatus {
  return (terminalIntentStatuses as readonly IntentStatus[]).includes(status);
}

// Why an intent sits in the reconciliation queue: the list is part of the operators' API (contracts'
// reconciliationReasons, with what each means).
export type { ReconciliationReason };

export type Reconciliation = { reason: ReconciliationReason; detail: string };

export type IntentError = { reason: FailureReason; message: string; channelCode: string | null };

export type IntentState = {
  status: IntentStatus;
  /** RFC 3339; after it a payer can no longer confirm, and after it plus grace nothing is left hanging. */
  expiresAt: string;
  reconciliation: Reconciliation | null;
  lastError: IntentError | null;
  /** The channel's id of the debit recorded as this intent's payment. */
  channelTxnId: string | null;
};

export type IntentInput =
  // Commands (portal routes and the sweeper).
  | { type: 'confirm'; at: string }
  | { type: 'cancel'; at: string }
  | { type: 'tick'; at: string; graceMs: number }
  // Channel results (through the bank adapter).
  | { type: 'otp-required'; reason: 'initial' | 'invalid_otp'; attemptsLeft: number | null }
  | { type: 'debit-failed'; error: IntentError }
  | { type: 'debit-unknown'; stage: 'resolving' | 'exhausted'; lastError: string | null }
  | { type: 'debit-succeeded'; channelTxnId: string; amountMatches: boolean }
  // The answer of recordPayment to a debit-succeeded that decideIntent sent to be recorded.
  | { type: 'payment-recorded'; channelTxnId: string }
  | { type: 'payment-refused'; channelTxnId: string; code: string; message: string }
  // A channel's own payment settled the bills this intent holds (POST /v1/payments). `debitSent`:
  // the intent's channel.debit-requested has left the outbox, so the adapter may act on it.
  | { type: 'superseded'; debitSent: boolean }
  // An operator gives back a debit that bought nothing (POST /v1/payment-intents/{id}/refund);
  // `channelTxnId` is that debit, from the intent or its payment_refused queue entry.
  | { type: 'operator-refund'; channelTxnId: string }
  // A channel's settlement file shows a debit of this intent that bought nothing here, and an
  // operator resolves the reconciliation exception by giving it back; `channelTxnId` is the file's.
  | { type: 'file-refund'; channelTxnId: string };

export type IntentEventType =
  | 'intent.requires-confirmation'
  | 'intent.succeeded'
  | 'intent.failed'
  | 'intent.canceled'
  | 'intent.unknown'
  | 'intent.reconciliation-required'
  | 'intent.refunded';

export type IntentCommandType = 'channel.otp-submitted' | 'channel.status-requested' | 'channel.refund-requested';

export type IntentDecision =
  /** Apply `state`, then emit the events and send the commands, all in the same transaction. */
  | { kind: 'change'; state: IntentState; emit: IntentEventType[]; commands: IntentCommandType[] }
  /** A debit-succeeded to hand to recordPayment; its outcome comes back as payment-recorded/-refused. */
  | { kind: 'record-payment' }
  /** A command the intent cannot take in its state; nothing changes. */
  | { kind: 'refused'; message: string }
  /** A stale or duplicate result, or a command already satisfied; nothing changes. */
  | { kind: 'ignored'; why: string };

const moneyMayHaveMoved = (status: IntentStatus): boolean => status === 'processing' || status === 'unknown';

function change(state: IntentState, next: Partial<IntentState>, commands: IntentCommandType[] = []): IntentDecision {
  const after: IntentState = { ...state, ...next };
  const emit: IntentEventType[] = [];
  const byStatus: Record<IntentStatus, IntentEventType | null> = {
    requires_confirmation: 'intent.requires-confirmation',
    processing: null,
    succeeded: 'intent.succeeded',
    failed: 'intent.failed',
    canceled: 'intent.canceled',
    unknown: 'intent.unknown',
  };
  const type = byStatus[after.status];
  // A new OTP request (after a wrong OTP) keeps the status but must reach the portal again.
  if (type !== null && (after.status !== state.status || after.status === 'requires_confirmation')) emit.push(type);
  const opened = after.reconciliation !== null && (state.reconciliation === null || state.reconciliation.reason !== after.reconciliation.reason);
  if (opened) emit.push('intent.reconciliation-required');
  return { kind: 'change', state: after, emit, commands };
}

/**
 * Reasons that only say "we do not know yet"; a later result settles them and clears the flag. The
 * others record money that moved where it should not have: only an operator closes those.
 */
export const doubtReasons = ['status_inquiry_exhausted', 'expired_without_outcome', 'refund_unresolved', 'turnaround_exceeded'] as const satisfies readonly ReconciliationReason[];

export function isMoneyMovedReconciliation(reconciliation: Reconciliation | null): boolean {
  return reconciliation !== null && !(doubtReasons as readonly string[]).includes(reconciliation.reason);
}

/**
 * Whether the intent keeps its bills from other intents (intent_bills.held): a second intent for them
 * is refused at creation, since both could debit the payer. An intent that is not terminal may still
 * debit; a failed or canceled one in the reconciliation queue was told otherwise afterwards (a debit
 * may have landed after all), so until an operator settles it nobody should pull for those bills
 * again. A succeeded intent releases them whatever its flag says: its payment is on the bills, and the
 * allocation guard, not this hold, stops anything paying them twice; a flag on it is about refunding
 * the payer, which a new intent for the rest of a bill does not make worse.
 */
export function holdsBills(state: Pick<IntentState, 'status' | 'reconciliation'>): boolean {
  if (!isTerminal(state.status)) return true;
  return state.status !== 'succeeded' && state.reconciliation !== null;
}

/** What a settling result leaves of the flag: doubt is cleared, a record of moved money stays. */
const settled = (state: IntentState): Reconciliation | null => (isMoneyMovedReconciliation(state.reconciliation) ? state.reconciliation : null);

/** Into reconciliation; a status that is not terminal becomes `unknown`, since nobody knows the outcome. */
function reconcile(state: IntentState, reason: ReconciliationReason, detail: string): IntentDecision {
  if (state.reconciliation?.reason === reason) return { kind: 'ignored', why: `already in reconciliation for ${reason}` };
  return change(state, { status: isTerminal(state.status) ? state.status : 'unknown', reconciliation: { reason, detail } });
}

const ms = (timestamp: string): number => Date.parse(timestamp);

export function decideIntent(state: IntentState, input: IntentInput): IntentDecision {
  const { status } = state;
  switch (input.type) {
    case 'confirm':
      if (status !== 'requires_confirmation') return { kind: 'refused', message: `The intent is ${status}; an OTP is taken only when it is requires_confirmation.` };
      if (ms(input.at) >= ms(state.expiresAt)) return { kind: 'refused', message: 'The intent has expired; create a new one.' };
      return change(state, { status: 'processing', lastError: null }, ['channel.otp-submitted']);

    case 'cancel':
      if (status === 'canceled') return { kind: 'ignored', why: 'already canceled' };
      if (status !== 'requires_confirmation') {
        const why = moneyMayHaveMoved(status)
          ? 'the debit may already be at the channel; wait for its outcome'
          : `it is already ${status}`;
        return { kind: 'refused', message: `The intent cannot be canceled: ${why}.` };
      }
      return change(state, { status: 'canceled' });

    case 'tick': {
      const at = ms(input.at);
      if (status === 'requires_confirmation' && at >= ms(state.expiresAt)) {
        // The channel is waiting for an OTP we will now never send: no money moved.
        return change(state, { status: 'failed', lastError: { reason: 'expired', message: 'The payer did not confirm in time.', channelCode: null } });
      }
      if (moneyMayHaveMoved(status) && state.reconciliation === null && at >= ms(state.expiresAt) + input.graceMs) {
        return change(
          state,
          { status: 'unknown', reconciliation: { reason: 'expired_without_outcome', detail: `No outcome from the channel within expiry plus ${input.graceMs} ms.` } },
          // The adapter asks the channel once more; its answer comes back as a normal result.
          ['channel.status-requested'],
        );
      }
      return { kind: 'ignored', why: 'nothing due' };
    }

    case 'otp-required':
      if (isTerminal(status)) return { kind: 'ignored', why: `late otp-required on a ${status} intent` };
      if (isMoneyMovedReconciliation(state.reconciliation)) return { kind: 'ignored', why: 'money moved; an operator reconciles this intent' };
      // The channel says it waits for the OTP, so no debit happened: any doubt is cleared.
      return change(state, {
        status: 'requires_confirmation',
        reconciliation: null,
        lastError: input.reason === 'invalid_otp' ? { reason: 'invalid_otp', message: 'The OTP was not correct.', channelCode: null } : null,
      });

    case 'debit-failed':
      if (status === 'succeeded') {
        return reconcile(state, 'contradictory_result', `debit-failed (${input.error.reason}) after the payment was recorded`);
      }
      if (isTerminal(status)) return { kind: 'ignored', why: `late debit-failed on a ${status} intent (no money moved)` };
      if (isMoneyMovedReconciliation(state.reconciliation)) return { kind: 'ignored', why: 'money moved; an operator reconciles this intent' };
      return change(state, { status: 'failed', lastError: input.error, reconciliation: null });

    case 'debit-unknown':
      if (status === 'succeeded') return { kind: 'ignored', why: 'the outcome is known: succeeded' };
      if (isTerminal(status)) {
        return reconcile(state, 'contradictory_result', `debit-unknown (${input.stage}) after the intent was ${status}: money may have moved`);
      }
      if (isMoneyMovedReconciliation(state.reconciliation)) return { kind: 'ignored', why: 'money moved; an operator reconciles this intent' };
      if (input.stage === 'exhausted') {
        return reconcile(state, 'status_inquiry_exhausted', input.lastError ?? 'The adapter gave up asking the channel for the status.');
      }
      if (status === 'unknown') return { kind: 'ignored', why: 'already being resolved' };
      return change(state, { status: 'unknown' });

    case 'debit-succeeded':
      if (status === 'succeeded') {
        return input.channelTxnId === state.channelTxnId
          ? { kind: 'ignored', why: 'this debit is already recorded' }
          : reconcile(state, 'second_debit', `A second debit ${input.channelTxnId} after ${state.channelTxnId ?? '?'} was recorded.`);
      }
      // A debit whose payment was refused keeps its id here while it is given back (payment-refused).
      if (state.channelTxnId !== null) {
        return input.channelTxnId === state.channelTxnId
          ? { kind: 'ignored', why: 'this debit is already being given back' }
          : reconcile(state, 'second_debit', `A second debit ${input.channelTxnId} after ${state.channelTxnId}, which is being given back.`);
      }
      if (!input.amountMatches) return reconcile(state, 'amount_mismatch', `Debit ${input.channelTxnId} is not for the amount requested.`);
      return { kind: 'record-payment' };

    case 'payment-recorded':
      if (status === 'succeeded') return { kind: 'ignored', why: 'already succeeded' };
      return change(state, { status: 'succeeded', channelTxnId: input.channelTxnId, reconciliation: settled(state), lastError: null });

    case 'payment-refused':
      // The debit bought nothing (usually: another channel paid the bill meanwhile). It is given back
      // at once, with no person involved: the intent ends canceled and the adapter reverses the debit
      // (channel.refund-requested); only a refusal of that reversal reaches the reconciliation queue.
      if (status === 'succeeded') return { kind: 'ignored', why: 'already succeeded' };
      return change(state, { status: 'canceled', channelTxnId: input.channelTxnId, reconciliation: settled(state) }, ['channel.refund-requested']);

    case 'superseded':
      // Another payment settled the bills. The intent is canceled only where no debit can follow: the
      // channel still waits for an OTP we will now never send, or the debit command never left the
      // outbox (the caller deleted it under the relay's row lock). Otherwise the debit may be at the
      // channel; its outcome decides, and a success is refused and given back (payment-refused).
      if (status === 'requires_confirmation' || (status === 'processing' && !input.debitSent)) return change(state, { status: 'canceled' });
      return { kind: 'ignored', why: `the debit may already be at the channel (${status})` };

    case 'operator-refund':
      // Only a debit the channel took whose payment was refused and that nobody is giving back yet:
      // the payment_refused flag (an intent queued before refunds were automatic, issue 10). Every
      // other intent either bought its bills (succeeded), moved no money we know of (failed,
      // canceled, unknown without that flag), or its money is in doubt or moved some other way
      // (amount_mismatch, second_debit, contradictory_result): reversing our own debit there could
      // give back money that did buy something, so a person settles those another way. The intent
      // ends canceled, as the automatic path leaves it; the flag stays until an operator closes it.
      if (status === 'succeeded') return { kind: 'refused', message: 'The intent succeeded: its debit paid its bills. Reverse the payment instead.' };
      if (state.reconciliation?.reason !== 'payment_refused') {
        const why = state.reconciliation === null ? 'it is not in the reconciliation queue' : `it is queued for ${state.reconciliation.reason}`;
        return { kind: 'refused', message: `Only a debit whose payment was refused (payment_refused) is given back by an operator; this intent is ${status} and ${why}.` };
      }
      return change(state, { status: 'canceled', channelTxnId: input.channelTxnId }, ['channel.refund-requested']);

    case 'file-refund':
      // The channel's word of record says it debited, and nothing here was bought with it. Not for a
      // succeeded intent (its debit paid its bills), nor one whose debit is still in flight or already
      // recorded as being given back. The intent ends canceled as the automatic refund leaves it; doubt
      // is settled by the file, a record of moved money stays for the operator.
      if (status === 'succeeded') return { kind: 'refused', message: 'The intent succeeded: its debit paid its bills. Reverse the payment instead.' };
      if (status === 'requires_confirmation' || status === 'processing') return { kind: 'refused', message: `The intent is ${status}: its debit may still be in flight; wait for its outcome.` };
      if (state.channelTxnId !== null) return { kind: 'refused', message: `Debit ${state.channelTxnId} of this intent is already being given back.` };
      return change(state, { status: 'canceled', channelTxnId: input.channelTxnId, reconciliation: settled(state) }, ['channel.refund-requested']);
  }
}

/** Where the giving back of a debit that bought nothing stands (payment_intents.refund_status). */
export type RefundStatus = 'requested' | 'succeeded' | 'refused' | 'unresolved';

export type RefundInput =
  | { type: 'refund-succeeded' }
  | { type: 'refund-failed'; message: string; channelCode: string | null }
  | { type: 'refund-unknown'; stage: 'resolving' | 'exhausted'; lastError: string | null };

/**
 * What the adapter's word on a refund does. A success is final (a later refusal or doubt about it is
 * stale); a refusal or an inquiry schedule that ran out puts the intent in front of a person, the
 * only step of the refund path that needs one. `refund` is the new refund status, null if unchanged.
 */
export function decideRefund(state: IntentState, refund: RefundStatus | null, input: RefundInput): { decision: IntentDecision; refund: RefundStatus | null } {
  const unchanged = (why: string) => ({ decision: { kind: 'ignored', why } as IntentDecision, refund: null });
  if (refund === null) return unchanged('no refund was requested for this intent');
  if (refund === 'succeeded') return unchanged('the refund already succeeded');
  switch (input.type) {
    case 'refund-succeeded':
      return {
        decision: { kind: 'change', state: { ...state, reconciliation: settled(state) }, emit: ['intent.refunded'], commands: [] },
        refund: 'succeeded',
      };
    case 'refund-failed': {
      const code = input.channelCode === null ? '' : ` (${input.channelCode})`;
      return { decision: reconcile(state, 'refund_refused', `The channel refused to give back debit ${state.channelTxnId ?? '?'}${code}: ${input.message}`), refund: 'refused' };
    }
    case 'refund-unknown':
      if (input.stage === 'resolving') return unchanged('the adapter is asking the channel');
      return {
        decision: reconcile(state, 'refund_unresolved', input.lastError ?? 'The adapter gave up asking the channel whether the debit was given back.'),
        refund: 'unresolved',
      };
  }
}

/**
 * The turnaround engine's escalation (domain/turnaround.ts): the debit, or the refund giving it back, has
 * no final outcome past the channel's turnaround and the engine's inquiries, so a person looks now. It is
 * doubt, not moved money: a later result settles it like any other doubt. A flag that records moved
 * money is never replaced (an operator owns that intent already; the engine does not pick it).
 */
export function decideTurnaroundExceeded(state: IntentState, detail: string): IntentDecision {
  if (isMoneyMovedReconciliation(state.reconciliation)) return { kind: 'ignored', why: 'money moved; an operator reconciles this intent' };
  return reconcile(state, 'turnaround_exceeded', detail);
}
