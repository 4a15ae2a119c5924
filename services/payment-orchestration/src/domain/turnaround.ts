// The turnaround engine's rule for stuck payments (issue 15), pure. A debit, or the refund giving one
// back, that has no final outcome within its channel's turnaround is acted on, never left silent:
//
//   subject   stuck while                                   its clock starts at
//   debit     the intent is processing or unknown           the intent's creation
//   refund    the refund is requested (no outcome yet)      the refund's request
//
//   1. turnaround passed, fewer than maxInquiries asked   → inquire again: the bank adapter is asked
//      once more (debit: channel.status-requested; refund: channel.refund-requested again, which the
//      adapter answers from its record of the reversal or, if it never got it, sends). The next stage
//      waits spacingMs after the previous one.
//   2. spacingMs after the last inquiry, still no outcome  → escalate: the intent is flagged for
//      reconciliation (turnaround_exceeded, doubt: a later result clears it), with
//      intent.reconciliation-required, and the engine is done with that subject.
//
// Each stage happens once per intent and subject (intent_turnaround_actions). The engine only picks
// what no person owns yet: an intent whose flag records moved money (payment_refused, amount_mismatch,
// ...) is in an operator's hands already and is left to them. A flag of doubt (expired_without_outcome,
// status_inquiry_exhausted) does not stop it: those intents are exactly the stuck ones.
//
// Not a rule here: "a debit that succeeded but whose payment was refused, without a refund". It cannot
// arise: the state machine's payment-refused decision (intent-state.ts) sends channel.refund-requested
// in the same transaction as the change, so every such intent has a refund (and falls under the refund
// subject above). Intents flagged payment_refused before refunds were automatic (issue 10) are on the
// operators' queue, and POST /v1/payment-intents/{id}/refund gives them back.
import type { IntentRecord } from './intent-record.ts';
import { isMoneyMovedReconciliation } from './intent-state.ts';

export type TurnaroundSubject = 'debit' | 'refund';

export type TurnaroundPolicy = {
  /** The channel's turnaround (channels.json turnaroundMs, else TURNAROUND_DEFAULT). */
  turnaroundMs: number;
  /** Between one action on a subject and the next (TURNAROUND_INQUIRY_SPACING). */
  spacingMs: number;
  /** Inquiries before escalating (TURNAROUND_MAX_INQUIRIES); 0 escalates at the turnaround. */
  maxInquiries: number;
};

/** What the engine has done so far to this subject of the intent. */
export type TurnaroundProgress = { inquiries: number; escalated: boolean; lastActedAt: Date | null };

export type TurnaroundStage = `inquiry-${number}` | 'escalated';

export type TurnaroundStep = { kind: 'inquire'; stage: TurnaroundStage; dueAt: Date } | { kind: 'escalate'; stage: 'escalated'; dueAt: Date } | { kind: 'none' };

/** What of the intent may be stuck, or null when nothing is (settled, or owned by an operator). */
export function turnaroundSubjectOf(intent: Pick<IntentRecord, 'status' | 'refund' | 'reconciliation'>): TurnaroundSubject | null {
  if (isMoneyMovedReconciliation(intent.reconciliation)) return null;
  if (intent.refund?.status === 'requested') return 'refund';
  if (intent.status === 'processing' || intent.status === 'unknown') return 'debit';
  return null;
}

function startOf(intent: Pick<IntentRecord, 'createdAt' | 'refund'>, subject: TurnaroundSubject): Date {
  return new Date(subject === 'refund' && intent.refund !== null ? intent.refund.requestedAt : intent.createdAt);
}

/** The step due now for the intent's stuck subject, if any (rules 1 and 2 above). */
export function nextTurnaroundStep(
  intent: Pick<IntentRecord, 'status' | 'refund' | 'reconciliation' | 'createdAt'>,
  subject: TurnaroundSubject,
  progress: TurnaroundProgress,
  policy: TurnaroundPolicy,
  now: Date,
): TurnaroundStep {
  if (turnaroundSubjectOf(intent) !== subject || progress.escalated) return { kind: 'none' };
  const dueAt = progress.lastActedAt === null ? new Date(startOf(intent, subject).getTime() + policy.turnaroundMs) : new Date(progress.lastActedAt.getTime() + policy.spacingMs);
  if (now.getTime() < dueAt.getTime()) return { kind: 'none' };
  if (progress.inquiries < policy.maxInquiries) return { kind: 'inquire', stage: `inquiry-${progress.inquiries + 1}`, dueAt };
  return { kind: 'escalate', stage: 'escalated', dueAt };
}
