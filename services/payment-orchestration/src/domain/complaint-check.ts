// The automatic first check of a complaint, decided from what this service already knows (pure: the
// flow gathers the facts). `paid_not_settled`: the payment's bills as billing last told us (the read
// model, fed by bill.*): all paid, the complaint is resolved with that evidence; otherwise it says where
// the payment stands. Types whose check is not built yet go to the operators with a note saying so.
import type { ComplaintType } from '@gateway/contracts';

export type PaymentFacts = {
  paymentId: string;
  receiptNo: string;
  status: 'completed' | 'reversed';
  paidAt: Date;
  bills: { billId: string; amount: number; reversed: boolean; billStatus: string | null }[];
};

export type CheckFacts = { payment: PaymentFacts | null; intent: { intentId: string; status: string } | null };

export type CheckOutcome = { kind: 'resolved'; resolution: string; evidence: Record<string, unknown> } | { kind: 'queued'; evidence: Record<string, unknown> };

export function checkComplaint(type: ComplaintType, facts: CheckFacts): CheckOutcome {
  if (type !== 'paid_not_settled') {
    return { kind: 'queued', evidence: { check: 'not_built', note: `The automatic check for ${type} is not built yet: an operator looks at it.` } };
  }
  const { payment, intent } = facts;
  if (payment === null) {
    if (intent !== null) {
      return { kind: 'queued', evidence: { check: 'paid_not_settled', stuckAt: 'intent', intentId: intent.intentId, intentStatus: intent.status } };
    }
    return { kind: 'queued', evidence: { check: 'paid_not_settled', stuckAt: 'no_payment', note: 'No payment of this client matches the complaint’s references.' } };
  }
  const base = { check: 'paid_not_settled', paymentId: payment.paymentId, receiptNo: payment.receiptNo, paymentStatus: payment.status, paidAt: payment.paidAt.toISOString(), bills: payment.bills };
  if (payment.status === 'reversed') return { kind: 'queued', evidence: { ...base, stuckAt: 'reversed' } };
  const live = payment.bills.filter((b) => !b.reversed);
  if (live.length > 0 && live.every((b) => b.billStatus === 'paid')) {
    return {
      kind: 'resolved',
      resolution: `Billing settled the payment’s bills (receipt ${payment.receiptNo}): ${live.map((b) => b.billId).join(', ')}.`,
      evidence: base,
    };
  }
  // Recorded here, but billing has not (yet) reported every bill paid: the payment event is on its way
  // or billing refused it; an operator follows it up.
  return { kind: 'queued', evidence: { ...base, stuckAt: 'billing' } };
}
