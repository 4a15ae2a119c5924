import { describe, expect, it } from '@jest/globals';
import { failureReasons, intentStatuses } from '@gateway/contracts';
import fc from 'fast-check';
import { decideIntent, decideRefund, holdsBills, isMoneyMovedReconciliation, isTerminal } from '../src/domain/intent-state.ts';
import type { IntentDecision, IntentInput, IntentState } from '../src/domain/intent-state.ts';

const created = '2026-05-20T09:00:00.000Z';
const expiresAt = '2026-05-20T09:15:00.000Z';
const beforeExpiry = '2026-05-20T09:10:00.000Z';
const afterExpiry = '2026-05-20T09:16:00.000Z';
const graceMs = 10 * 60_000;
const afterGrace = '2026-05-20T09:26:00.000Z';

const fresh: IntentState = { status: 'processing', expiresAt, reconciliation: null, lastError: null, channelTxnId: null };
const state = (over: Partial<IntentState>): IntentState => ({ ...fresh, ...over });

function changed(decision: IntentDecision): Extract<IntentDecision, { kind: 'change' }> {
  if (decision.kind !== 'change') throw new Error(`expected a change, got ${JSON.stringify(decision)}`);
  return decision;
}

// Feeds inputs through the machine the way the store and the consumer do: a debit-succeeded that asks
// to be recorded is answered with `recording` (what recordPayment said).
function run(start: IntentState, input: IntentInput, recording: 'completed' | 'refused' = 'completed'): { state: IntentState; decision: IntentDecision } {
  let decision = decideIntent(start, input);
  if (decision.kind === 'record-payment' && input.type === 'debit-succeeded') {
    decision = decideIntent(
      start,
      recording === 'completed' ? { type: 'payment-recorded', channelTxnId: input.channelTxnId } : { type: 'payment-refused', channelTxnId: input.channelTxnId, code: 'bill_already_paid', message: 'paid elsewhere' },
    );
  }
  return { state: decision.kind === 'change' ? decision.state : start, decision };
}

describe('intent state machine, by example', () => {
  it('asks for the OTP, takes it, and succeeds once the payment is recorded', () => {
    const otp = changed(decideIntent(fresh, { type: 'otp-required', reason: 'initial', attemptsLeft: null }));
    expect(otp.state.status).toBe('requires_confirmation');
    expect(otp.emit).toEqual(['intent.requires-confirmation']);

    const confirmed = changed(decideIntent(otp.state, { type: 'confirm', at: beforeExpiry }));
    expect(confirmed.state.status).toBe('processing');
    expect(confirmed.commands).toEqual(['channel.otp-submitted']);
    expect(confirmed.emit).toEqual([]);

    expect(decideIntent(confirmed.state, { type: 'debit-succeeded', channelTxnId: 'W1-1', amountMatches: true })).toEqual({ kind: 'record-payment' });
    const done = changed(decideIntent(confirmed.state, { type: 'payment-recorded', channelTxnId: 'W1-1' }));
    expect(done.state).toMatchObject({ status: 'succeeded', channelTxnId: 'W1-1' });
    expect(done.emit).toEqual(['intent.succeeded']);
  });

  it('asks again after a wrong OTP, with the error the portal shows', () => {
    const again = changed(decideIntent(fresh, { type: 'otp-required', reason: 'invalid_otp', attemptsLeft: 2 }));
    expect(again.state.status).toBe('requires_confirmation');
    expect(again.state.lastError?.reason).toBe('invalid_otp');
    expect(again.emit).toEqual(['intent.requires-confirmation']);
  });

  it('fails on a decline, and a timeout is unknown, never failed', () => {
    const declined = changed(decideIntent(fresh, { type: 'debit-failed', error: { reason: 'insufficient_funds', message: 'low', channelCode: 'E51' } }));
    expect(declined.state.status).toBe('failed');
    expect(declined.emit).toEqual(['intent.failed']);

    const unknown = changed(decideIntent(fresh, { type: 'debit-unknown', stage: 'resolving', lastError: 'timeout' }));
    expect(unknown.state.status).toBe('unknown');
    expect(unknown.emit).toEqual(['intent.unknown']);
    expect(decideIntent(unknown.state, { type: 'debit-unknown', stage: 'resolving', lastError: 'timeout' }).kind).toBe('ignored');

    const exhausted = changed(decideIntent(unknown.state, { type: 'debit-unknown', stage: 'exhausted', lastError: 'gave up' }));
    expect(exhausted.state).toMatchObject({ status: 'unknown', reconciliation: { reason: 'status_inquiry_exhausted' } });
    expect(exhausted.emit).toEqual(['intent.reconciliation-required']);

    // A late answer settles the doubt.
    const late = run(exhausted.state, { type: 'debit-succeeded', channelTxnId: 'B-9', amountMatches: true });
    expect(late.state).toMatchObject({ status: 'succeeded', reconciliation: null });
  });

  it('cancels only while the channel waits for the OTP', () => {
    const waiting = state({ status: 'requires_confirmation' });
    const canceled = changed(decideIntent(waiting, { type: 'cancel', at: beforeExpiry }));
    expect(canceled.state.status).toBe('canceled');
    expect(canceled.emit).toEqual(['intent.canceled']);
    expect(decideIntent(canceled.state, { type: 'cancel', at: beforeExpiry }).kind).toBe('ignored');
    expect(decideIntent(fresh, { type: 'cancel', at: beforeExpiry })).toMatchObject({ kind: 'refused', message: expect.stringContaining('may already be at the channel') });
    expect(decideIntent(state({ status: 'unknown' }), { type: 'cancel', at: beforeExpiry }).kind).toBe('refused');
    expect(decideIntent(state({ status: 'succeeded' }), { type: 'cancel', at: beforeExpiry }).kind).toBe('refused');
  });

  it('refuses an OTP when not asked for one, or after expiry', () => {
    expect(decideIntent(fresh, { type: 'confirm', at: beforeExpiry }).kind).toBe('refused');
    expect(decideIntent(state({ status: 'requires_confirmation' }), { type: 'confirm', at: afterExpiry })).toMatchObject({ kind: 'refused', message: expect.stringContaining('expired') });
  });

  it('expires an intent waiting for the OTP, and queues one without outcome after the grace period', () => {
    const waiting = state({ status: 'requires_confirmation' });
    expect(decideIntent(waiting, { type: 'tick', at: beforeExpiry, graceMs }).kind).toBe('ignored');
    const expired = changed(decideIntent(waiting, { type: 'tick', at: afterExpiry, graceMs }));
    expect(expired.state).toMatchObject({ status: 'failed', lastError: { reason: 'expired' } });
    expect(expired.emit).toEqual(['intent.failed']);

    expect(decideIntent(fresh, { type: 'tick', at: afterExpiry, graceMs }).kind).toBe('ignored');
    const stuck = changed(decideIntent(fresh, { type: 'tick', at: afterGrace, graceMs }));
    expect(stuck.state).toMatchObject({ status: 'unknown', reconciliation: { reason: 'expired_without_outcome' } });
    expect(stuck.emit).toEqual(['intent.unknown', 'intent.reconciliation-required']);
    expect(stuck.commands).toEqual(['channel.status-requested']);
    // Queued once: the next pass leaves it to the operator and the channel's answer.
    expect(decideIntent(stuck.state, { type: 'tick', at: afterGrace, graceMs }).kind).toBe('ignored');
  });

  it('records a debit that lands after cancel or expiry: money moved, so the payment stands', () => {
    for (const terminal of [state({ status: 'canceled' }), state({ status: 'failed', lastError: { reason: 'expired', message: 'late', channelCode: null } })]) {
      expect(decideIntent(terminal, { type: 'debit-succeeded', channelTxnId: 'W1-7', amountMatches: true })).toEqual({ kind: 'record-payment' });
      expect(run(terminal, { type: 'debit-succeeded', channelTxnId: 'W1-7', amountMatches: true }).state.status).toBe('succeeded');
      // If the bill was paid meanwhile, the debit is given back automatically: canceled, refund command.
      const refused = run(terminal, { type: 'debit-succeeded', channelTxnId: 'W1-7', amountMatches: true }, 'refused');
      expect(refused.state).toMatchObject({ status: 'canceled', channelTxnId: 'W1-7', reconciliation: null });
      expect(changed(refused.decision).commands).toEqual(['channel.refund-requested']);
      // The same debit reported again is already being given back; another one is a second debit.
      expect(decideIntent(refused.state, { type: 'debit-succeeded', channelTxnId: 'W1-7', amountMatches: true }).kind).toBe('ignored');
      expect(run(refused.state, { type: 'debit-succeeded', channelTxnId: 'W1-8', amountMatches: true }).state.reconciliation?.reason).toBe('second_debit');
    }
  });

  it('queues what cannot be squared: a refused recording, a wrong amount, a second debit, a failure after success', () => {
    const refused = run(fresh, { type: 'debit-succeeded', channelTxnId: 'W1-1', amountMatches: true }, 'refused');
    expect(refused.state).toMatchObject({ status: 'canceled', channelTxnId: 'W1-1' });
    // The debit being given back stays so whatever the channel says next about it.
    expect(decideIntent(refused.state, { type: 'debit-failed', error: { reason: 'declined', message: 'x', channelCode: null } }).kind).toBe('ignored');
    expect(decideIntent(refused.state, { type: 'otp-required', reason: 'initial', attemptsLeft: null }).kind).toBe('ignored');

    expect(run(fresh, { type: 'debit-succeeded', channelTxnId: 'W1-1', amountMatches: false }).state.reconciliation?.reason).toBe('amount_mismatch');

    const paid = state({ status: 'succeeded', channelTxnId: 'W1-1' });
    expect(decideIntent(paid, { type: 'debit-succeeded', channelTxnId: 'W1-1', amountMatches: true }).kind).toBe('ignored');
    expect(run(paid, { type: 'debit-succeeded', channelTxnId: 'W1-2', amountMatches: true }).state).toMatchObject({ status: 'succeeded', reconciliation: { reason: 'second_debit' } });
    expect(run(paid, { type: 'debit-failed', error: { reason: 'declined', message: 'x', channelCode: null } }).state.reconciliation?.reason).toBe('contradictory_result');
  });

  it('is superseded by a channel payment only where no debit can follow', () => {
    const waiting = state({ status: 'requires_confirmation' });
    expect(changed(decideIntent(waiting, { type: 'superseded', debitSent: true })).state.status).toBe('canceled');
    expect(changed(decideIntent(fresh, { type: 'superseded', debitSent: false })).emit).toEqual(['intent.canceled']);
    expect(decideIntent(fresh, { type: 'superseded', debitSent: true }).kind).toBe('ignored');
    expect(decideIntent(state({ status: 'unknown' }), { type: 'superseded', debitSent: true }).kind).toBe('ignored');
  });

  it('finishes a refund on the adapter\'s word: refunded, or in front of a person when the channel refuses or nobody knows', () => {
    const refunding = state({ status: 'canceled', channelTxnId: 'W1-1' });
    const done = decideRefund(refunding, 'requested', { type: 'refund-succeeded' });
    expect(done.refund).toBe('succeeded');
    expect(changed(done.decision).emit).toEqual(['intent.refunded']);
    expect(decideRefund(refunding, 'succeeded', { type: 'refund-failed', message: 'x', channelCode: null }).decision.kind).toBe('ignored');
    const refused = decideRefund(refunding, 'requested', { type: 'refund-failed', message: 'not reversible', channelCode: 'reversal_refused' });
    expect(changed(refused.decision).state.reconciliation?.reason).toBe('refund_refused');
    expect(changed(refused.decision).emit).toEqual(['intent.reconciliation-required']);
    expect(decideRefund(refunding, 'requested', { type: 'refund-unknown', stage: 'resolving', lastError: null }).decision.kind).toBe('ignored');
    const gaveUp = decideRefund(refunding, 'requested', { type: 'refund-unknown', stage: 'exhausted', lastError: 'no answer' });
    expect(gaveUp.refund).toBe('unresolved');
    // Doubt only: the channel's later word settles it.
    const late = decideRefund(changed(gaveUp.decision).state, 'unresolved', { type: 'refund-succeeded' });
    expect(changed(late.decision).state.reconciliation).toBeNull();
    expect(decideRefund(fresh, null, { type: 'refund-succeeded' }).decision.kind).toBe('ignored');
  });

  it('ignores late results that change nothing on terminal intents', () => {
    const failed = state({ status: 'failed' });
    expect(decideIntent(failed, { type: 'otp-required', reason: 'initial', attemptsLeft: null }).kind).toBe('ignored');
    expect(decideIntent(failed, { type: 'debit-failed', error: { reason: 'declined', message: 'x', channelCode: null } }).kind).toBe('ignored');
    expect(decideIntent(state({ status: 'succeeded', channelTxnId: 'x' }), { type: 'debit-unknown', stage: 'exhausted', lastError: null }).kind).toBe('ignored');
  });

  it('an operator refund is taken only for a debit whose payment was refused (payment_refused): canceled, refund requested, the flag kept', () => {
    const refusedFlag = { reason: 'payment_refused' as const, detail: 'bill_already_paid' };
    for (const status of ['unknown', 'failed', 'canceled'] as const) {
      const refund = changed(decideIntent(state({ status, reconciliation: refusedFlag }), { type: 'operator-refund', channelTxnId: 'T-1' }));
      expect(refund.state).toMatchObject({ status: 'canceled', channelTxnId: 'T-1', reconciliation: refusedFlag });
      expect(refund.commands).toEqual(['channel.refund-requested']);
      expect(refund.emit).toEqual(status === 'canceled' ? [] : ['intent.canceled']);
    }
    const refusals: IntentState[] = [
      state({ status: 'succeeded', channelTxnId: 'T-1' }),
      state({ status: 'processing' }),
      state({ status: 'failed' }),
      state({ status: 'unknown', reconciliation: { reason: 'amount_mismatch', detail: 'x' } }),
      state({ status: 'unknown', reconciliation: { reason: 'status_inquiry_exhausted', detail: 'x' } }),
      state({ status: 'canceled', reconciliation: { reason: 'contradictory_result', detail: 'x' } }),
      state({ status: 'succeeded', reconciliation: { reason: 'second_debit', detail: 'x' } }),
    ];
    for (const s of refusals) expect(decideIntent(s, { type: 'operator-refund', channelTxnId: 'T-1' }).kind).toBe('refused');
  });

  it('holds its bills while it may still debit, or while a failed or canceled one is queued because money may have moved', () => {
    const flag = { reason: 'contradictory_result' as const, detail: 'x' };
    for (const status of ['requires_confirmation', 'processing', 'unknown'] as const) {
      expect(holdsBills(state({ status }))).toBe(true);
      expect(holdsBills(state({ status, reconciliation: { reason: 'expired_without_outcome', detail: 'x' } }))).toBe(true);
    }
    for (const status of ['failed', 'canceled'] as const) {
      expect(holdsBills(state({ status }))).toBe(false);
      expect(holdsBills(state({ status, reconciliation: flag }))).toBe(true);
    }
    expect(holdsBills(state({ status: 'succeeded', channelTxnId: 'x' }))).toBe(false);
    expect(holdsBills(state({ status: 'succeeded', channelTxnId: 'x', reconciliation: { reason: 'second_debit', detail: 'x' } }))).toBe(false);
    // A late debit-unknown on a failed intent takes the bills again.
    const failed = state({ status: 'failed' });
    expect(holdsBills(changed(decideIntent(failed, { type: 'debit-unknown', stage: 'resolving', lastError: null })).state)).toBe(true);
  });
});

// ---- properties

const minutes = (m: number) => new Date(Date.parse(created) + m * 60_000).toISOString();
const arbAt = fc.integer({ min: 0, max: 40 }).map(minutes);
const arbError = fc.record({ reason: fc.constantFrom(...failureReasons), message: fc.string({ maxLength: 20 }), channelCode: fc.constant(null) });
const arbTxn = fc.constantFrom('T-1', 'T-2');

const arbInput: fc.Arbitrary<IntentInput> = fc.oneof(
  arbAt.map((at) => ({ type: 'confirm' as const, at })),
  arbAt.map((at) => ({ type: 'cancel' as const, at })),
  arbAt.map((at) => ({ type: 'tick' as const, at, graceMs })),
  fc.record({ type: fc.constant('otp-required' as const), reason: fc.constantFrom('initial' as const, 'invalid_otp' as const), attemptsLeft: fc.option(fc.nat(3)) }),
  fc.record({ type: fc.constant('debit-failed' as const), error: arbError }),
  fc.record({ type: fc.constant('debit-unknown' as const), stage: fc.constantFrom('resolving' as const, 'exhausted' as const), lastError: fc.constant(null) }),
  fc.record({ type: fc.constant('debit-succeeded' as const), channelTxnId: arbTxn, amountMatches: fc.boolean() }),
);
const arbStep = fc.record({ input: arbInput, recording: fc.constantFrom('completed' as const, 'refused' as const) });

describe('intent state machine, by property', () => {
  it('any sequence of commands and results keeps the intent in an allowed state, and terminal states hold except for a late recorded debit', () => {
    fc.assert(
      fc.property(fc.array(arbStep, { maxLength: 30 }), (steps) => {
        let current = fresh;
        for (const { input, recording } of steps) {
          const { state: next, decision } = run(current, input, recording);
          expect(intentStatuses).toContain(next.status);
          if (isTerminal(current.status) && next.status !== current.status) {
            // The documented ways out of a terminal state: the channel's debit was recorded, or its
            // recording was refused and the debit is being given back (canceled).
            expect(['canceled', 'failed']).toContain(current.status);
            expect(next.status).toBe(recording === 'completed' ? 'succeeded' : 'canceled');
            expect(input.type).toBe('debit-succeeded');
          }
          if (current.status === 'succeeded') expect(next.status).toBe('succeeded');
          // A record of moved money is never cleared by the machine: only an operator closes it.
          if (isMoneyMovedReconciliation(current.reconciliation)) expect(next.reconciliation).not.toBeNull();
          // A command never leaves a half-applied decision.
          if (decision.kind === 'refused') expect(next).toBe(current);
          current = next;
        }
      }),
      { numRuns: 2_000 },
    );
  });

  it('after expiry plus grace, every intent is terminal or in the reconciliation queue', () => {
    fc.assert(
      fc.property(fc.array(arbStep, { maxLength: 20 }), (steps) => {
        let current = fresh;
        for (const { input, recording } of steps) current = run(current, input, recording).state;
        const swept = run(current, { type: 'tick', at: afterGrace, graceMs }).state;
        expect(isTerminal(swept.status) || swept.reconciliation !== null).toBe(true);
        // No bill stays held against new intents without an operator seeing why.
        if (holdsBills(swept)) expect(swept.reconciliation).not.toBeNull();
      }),
      { numRuns: 2_000 },
    );
  });

  it('a debit the channel reports as done is never silently dropped', () => {
    fc.assert(
      fc.property(fc.array(arbStep, { maxLength: 20 }), arbTxn, fc.boolean(), fc.constantFrom('completed' as const, 'refused' as const), (steps, txn, amountMatches, recording) => {
        let current = fresh;
        for (const { input, recording: r } of steps) current = run(current, input, r).state;
        const { state: after, decision } = run(current, { type: 'debit-succeeded', channelTxnId: txn, amountMatches }, recording);
        // Recorded as the payment, being given back (canceled with its id), or queued for a person.
        const accounted = (['succeeded', 'canceled'].includes(after.status) && after.channelTxnId === txn) || after.reconciliation !== null;
        expect(accounted).toBe(true);
        if (decision.kind === 'change' && after.status === 'canceled' && after.reconciliation === null) expect(decision.commands).toEqual(['channel.refund-requested']);
        // Ignored only when this very debit is already the intent's payment or being given back, or already queued.
        if (decision.kind === 'ignored') expect(current.channelTxnId === txn || current.reconciliation !== null).toBe(true);
      }),
      { numRuns: 2_000 },
    );
  });
});
