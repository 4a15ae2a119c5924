// The turnaround engine's rule (src/domain/turnaround.ts) and its escalation in the state machine, by
// example: which subject of an intent is stuck, when each stage falls due, and what escalating does.
import { describe, expect, it } from '@jest/globals';
import type { IntentRecord } from '../src/domain/intent-record.ts';
import { decideTurnaroundExceeded } from '../src/domain/intent-state.ts';
import { nextTurnaroundStep, turnaroundSubjectOf } from '../src/domain/turnaround.ts';
import type { TurnaroundProgress } from '../src/domain/turnaround.ts';

const minute = 60_000;
const createdAt = '2026-05-20T09:00:00.000Z';
const at = (minutes: number) => new Date(Date.parse(createdAt) + minutes * minute);
const policy = { turnaroundMs: 60 * minute, spacingMs: 15 * minute, maxInquiries: 2 };
type Intent = Pick<IntentRecord, 'status' | 'refund' | 'reconciliation' | 'createdAt' | 'expiresAt' | 'lastError' | 'channelTxnId'>;
const intent = (over: Partial<Intent> = {}): Intent => ({
  status: 'unknown',
  refund: null,
  reconciliation: null,
  createdAt,
  expiresAt: '2026-05-20T09:15:00.000Z',
  lastError: null,
  channelTxnId: null,
  ...over,
});
const none: TurnaroundProgress = { inquiries: 0, escalated: false, lastActedAt: null };

describe('turnaround rule', () => {
  it('finds the stuck subject: a debit without outcome, or a refund still requested; nothing settled or owned by an operator', () => {
    expect(turnaroundSubjectOf(intent({ status: 'processing' }))).toBe('debit');
    expect(turnaroundSubjectOf(intent({ reconciliation: { reason: 'expired_without_outcome', detail: '' } }))).toBe('debit');
    expect(turnaroundSubjectOf(intent({ status: 'canceled', refund: { status: 'requested', requestedAt: at(30).toISOString(), refundedAt: null, reversalId: null } }))).toBe('refund');
    for (const settled of ['succeeded', 'failed', 'canceled', 'requires_confirmation'] as const) expect(turnaroundSubjectOf(intent({ status: settled }))).toBeNull();
    expect(turnaroundSubjectOf(intent({ status: 'canceled', refund: { status: 'unresolved', requestedAt: createdAt, refundedAt: null, reversalId: null } }))).toBeNull();
    expect(turnaroundSubjectOf(intent({ reconciliation: { reason: 'amount_mismatch', detail: '' } }))).toBeNull();
  });

  it('inquires at the turnaround and each spacing after the last action, then escalates; never after escalating', () => {
    expect(nextTurnaroundStep(intent(), 'debit', none, policy, at(59))).toEqual({ kind: 'none' });
    expect(nextTurnaroundStep(intent(), 'debit', none, policy, at(60))).toMatchObject({ kind: 'inquire', stage: 'inquiry-1' });
    // Spaced from when the last action really happened (a pass that ran late does not bunch the next one).
    const one = { inquiries: 1, escalated: false, lastActedAt: at(100) };
    expect(nextTurnaroundStep(intent(), 'debit', one, policy, at(114))).toEqual({ kind: 'none' });
    expect(nextTurnaroundStep(intent(), 'debit', one, policy, at(115))).toMatchObject({ kind: 'inquire', stage: 'inquiry-2' });
    const two = { inquiries: 2, escalated: false, lastActedAt: at(115) };
    expect(nextTurnaroundStep(intent(), 'debit', two, policy, at(130))).toMatchObject({ kind: 'escalate', stage: 'escalated' });
    expect(nextTurnaroundStep(intent(), 'debit', { ...two, escalated: true }, policy, at(1000))).toEqual({ kind: 'none' });
    // No inquiries configured: escalated at the turnaround.
    expect(nextTurnaroundStep(intent(), 'debit', none, { ...policy, maxInquiries: 0 }, at(60))).toMatchObject({ kind: 'escalate' });
  });

  it('times a refund from its request, not from the intent', () => {
    const refunding = intent({ status: 'canceled', refund: { status: 'requested', requestedAt: at(30).toISOString(), refundedAt: null, reversalId: null } });
    expect(nextTurnaroundStep(refunding, 'refund', none, policy, at(89))).toEqual({ kind: 'none' });
    expect(nextTurnaroundStep(refunding, 'refund', none, policy, at(90))).toMatchObject({ kind: 'inquire', stage: 'inquiry-1' });
    expect(nextTurnaroundStep(refunding, 'debit', none, policy, at(90))).toEqual({ kind: 'none' });
  });

  it('escalating flags turnaround_exceeded (an unfinished debit becomes unknown, a refunding intent stays canceled), and never replaces a record of moved money', () => {
    const processing = decideTurnaroundExceeded(intent({ status: 'processing' }), 'no outcome');
    expect(processing).toMatchObject({ kind: 'change', state: { status: 'unknown', reconciliation: { reason: 'turnaround_exceeded', detail: 'no outcome' } } });
    expect(processing.kind === 'change' && processing.emit).toEqual(['intent.unknown', 'intent.reconciliation-required']);
    expect(decideTurnaroundExceeded(intent({ status: 'canceled' }), 'no refund outcome')).toMatchObject({ kind: 'change', state: { status: 'canceled' } });
    expect(decideTurnaroundExceeded(intent({ reconciliation: { reason: 'second_debit', detail: '' } }), 'x')).toMatchObject({ kind: 'ignored' });
  });
});
