// The automatic first check of a complaint (pure: the flows gather the facts). `paid_not_settled` is
// decided at filing from this service's own tables: the payment's bills as billing last told us (the
// read model, fed by bill.*): all paid, the complaint is resolved with that evidence; otherwise it says
// where the payment stands. The other types need another service's word (the channel's, through the
// bank adapter's live status inquiry; notification's delivery receipts), so they are decided after
// filing (flows/check-complaint.flow.ts) by the functions further down. What a check cannot close stays
// in the operators' queue with what it found.
import type { ComplaintType, DebitInquiry } from '@gateway/contracts';

export type PaymentFacts = {
  paymentId: string;
  receiptNo: string;
  status: 'completed' | 'reversed';
  paidAt: Date;
  bills: { billId: string; amount: number; reversed: boolean; billStatus: string | null }[];
};

export type CheckFacts = { payment: PaymentFacts | null; intent: { intentId: string; status: string } | null };

export type CheckOutcome = { kind: 'resolved'; resolution: string; evidence: Record<string, unknown> } | { kind: 'queued'; evidence: Record<string, unknown> };

/** The types whose check runs after filing, with other services' evidence. */
export const checkedAfterFiling: readonly ComplaintType[] = ['double_debit', 'wrong_amount', 'refund_not_received', 'no_sms'];

export function checkPaidNotSettled(facts: CheckFacts): CheckOutcome {
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

// ---- The checks decided after filing, from the channel's and notification's word ----

type Amount = { amount: number; currency: string };

/**
 * One debit of the customer that this client knows of around the complaint: an intent's (we asked the
 * channel to debit; `channel` is its live answer through the bank adapter), or a channel's own payment
 * (the channel debited the customer itself; its notification is the only word we have on it).
 */
export type DebitFacts =
  | {
      source: 'intent';
      intentId: string;
      channelId: string;
      amount: Amount;
      fee: number;
      intentStatus: string;
      createdAt: Date;
      payment: { paymentId: string; receiptNo: string; status: 'completed' | 'reversed' } | null;
      /** The automatic or operator refund of a debit that bought nothing, as this service recorded it. */
      refund: { status: string; requestedAt: Date | null; refundedAt: Date | null; reversalId: string | null } | null;
      channel: DebitInquiry;
    }
  | {
      source: 'channel';
      paymentId: string;
      receiptNo: string;
      channelId: string;
      channelTxnId: string;
      amount: Amount;
      fee: number;
      status: 'completed' | 'reversed';
      paidAt: Date;
      reversedAt: Date | null;
    };

const referenceOf = (d: DebitFacts) => (d.source === 'intent' ? d.intentId : d.channelTxnId);
const debited = (d: DebitFacts) => d.source === 'channel' || d.channel.channel.status === 'succeeded';
const bought = (d: DebitFacts) => (d.source === 'channel' ? d.status === 'completed' : d.payment?.status === 'completed');
const givenBack = (d: DebitFacts) => (d.source === 'channel' ? d.status === 'reversed' : d.channel.reversal?.status === 'reversed');
const money = (m: Amount) => `${m.amount} ${m.currency}`;
const debitedTotal = (d: DebitFacts & { source: 'intent' }): Amount => ({ amount: d.amount.amount + d.fee, currency: d.amount.currency });

/** What the operator (and the filing client: these are its own debits) sees of one debit: ours beside the channel's. */
export function debitEvidence(d: DebitFacts): Record<string, unknown> {
  if (d.source === 'channel') {
    return {
      source: 'channel',
      reference: d.channelTxnId,
      channelId: d.channelId,
      paymentId: d.paymentId,
      receiptNo: d.receiptNo,
      amount: d.amount,
      fee: d.fee,
      paymentStatus: d.status,
      paidAt: d.paidAt.toISOString(),
      reversedAt: d.reversedAt?.toISOString() ?? null,
    };
  }
  const c = d.channel;
  return {
    source: 'intent',
    reference: d.intentId,
    channelId: d.channelId,
    ours: {
      intentStatus: d.intentStatus,
      amount: d.amount,
      fee: d.fee,
      debitAsked: debitedTotal(d),
      createdAt: d.createdAt.toISOString(),
      paymentId: d.payment?.paymentId ?? null,
      receiptNo: d.payment?.receiptNo ?? null,
      paymentStatus: d.payment?.status ?? null,
      refund:
        d.refund === null
          ? null
          : { status: d.refund.status, requestedAt: d.refund.requestedAt?.toISOString() ?? null, refundedAt: d.refund.refundedAt?.toISOString() ?? null, reversalId: d.refund.reversalId },
    },
    channel: {
      inquiredAt: c.inquiredAt,
      status: c.channel.status,
      amount: c.channel.amount,
      txnId: c.channel.txnId,
      debitedAt: c.channel.debitedAt,
      failure: c.channel.failure,
      reversal: c.reversal,
      adapterRefund: c.refund === null ? null : { state: c.refund.state, refundedAt: c.refund.refundedAt, reversalId: c.refund.reversalId, lastError: c.refund.lastError },
    },
  };
}

/**
 * `double_debit` over every debit of the customer around the complaint. A debit that bought nothing
 * (its payment was refused or never made) and that the channel has not given back is the one to refund:
 * queued, naming it. One the channel gave back: resolved with the reversal. Otherwise each debit paid
 * its own payment: one debit is "debited once"; several each bought their own bills (a bill is never
 * paid twice: the allocation guard), which the receipts show. No debit at all: queued.
 */
export function checkDoubleDebit(debits: readonly DebitFacts[]): CheckOutcome {
  const taken = debits.filter(debited);
  const base = { check: 'double_debit', debits: taken.map(debitEvidence) };
  if (taken.length === 0) {
    return { kind: 'queued', evidence: { ...base, stuckAt: 'no_debit', note: 'Neither the channel nor the ledger shows a debit of this customer around the complaint.' } };
  }
  const unreturned = taken.filter((d) => !bought(d) && !givenBack(d));
  if (unreturned.length > 0) {
    const refs = unreturned.map(referenceOf);
    return {
      kind: 'queued',
      evidence: { ...base, stuckAt: 'refund_needed', refund: refs, note: `Debited ${taken.length} time(s); ${refs.join(', ')} bought nothing and was not given back by the channel: refund it.` },
    };
  }
  const returned = taken.filter((d) => !bought(d));
  if (returned.length > 0) {
    return {
      kind: 'resolved',
      resolution: `Debited ${taken.length} time(s); the debit that bought nothing (${returned.map(referenceOf).join(', ')}) was given back by the channel.`,
      evidence: base,
    };
  }
  const receipts = taken.map((d) => (d.source === 'channel' ? d.receiptNo : (d.payment?.receiptNo ?? '')));
  if (taken.length === 1) {
    const d = taken[0]!;
    const amount = d.source === 'channel' ? { amount: d.amount.amount + d.fee, currency: d.amount.currency } : (d.channel.channel.amount ?? debitedTotal(d));
    return { kind: 'resolved', resolution: `Debited once: ${money(amount)} at ${d.channelId} (${referenceOf(d)}), receipt ${receipts[0]}.`, evidence: base };
  }
  return { kind: 'resolved', resolution: `Each of the ${taken.length} debits paid its own bills: receipts ${receipts.join(', ')}.`, evidence: base };
}

/**
 * `wrong_amount` for the debit the complaint is about: what the channel says it debited against what
 * the payer approved (the intent's amount plus its fee). Equal: resolved; different: queued with both.
 * A channel's own payment has only the channel's word: queued for an operator to ask the channel.
 */
export function checkWrongAmount(target: DebitFacts | null): CheckOutcome {
  if (target === null) return { kind: 'queued', evidence: { check: 'wrong_amount', stuckAt: 'no_debit', note: 'No debit of this client matches the complaint.' } };
  const base = { check: 'wrong_amount', debit: debitEvidence(target) };
  if (target.source === 'channel') {
    return { kind: 'queued', evidence: { ...base, stuckAt: 'channel_initiated', note: 'The channel debited this payment itself; the gateway has only its notification: ask the channel.' } };
  }
  const theirs = target.channel.channel;
  if (theirs.status !== 'succeeded' || theirs.amount === null) {
    return { kind: 'queued', evidence: { ...base, stuckAt: 'not_debited', note: `The channel answers ${theirs.status} for this debit.` } };
  }
  const ours = debitedTotal(target);
  if (theirs.amount.amount === ours.amount && theirs.amount.currency === ours.currency) {
    return {
      kind: 'resolved',
      resolution: `The channel debited ${money(theirs.amount)}: the amount ${money(target.amount)} plus the fee ${target.fee}, as approved.`,
      evidence: { ...base, ours, theirs: theirs.amount },
    };
  }
  return { kind: 'queued', evidence: { ...base, stuckAt: 'amount_differs', ours, theirs: theirs.amount, note: `The channel debited ${money(theirs.amount)}; the payer approved ${money(ours)}.` } };
}

/**
 * `refund_not_received`: the channel's word on the reversal decides. Given back: resolved with its
 * evidence. Otherwise queued saying where the refund is: none was made, ours is still pending
 * (requested, unresolved), the channel refused it, or we think it done and the channel does not.
 */
export function checkRefundNotReceived(target: DebitFacts | null): CheckOutcome {
  if (target === null) return { kind: 'queued', evidence: { check: 'refund_not_received', stuckAt: 'no_debit', note: 'No debit of this client matches the complaint.' } };
  const base = { check: 'refund_not_received', debit: debitEvidence(target) };
  if (target.source === 'channel') {
    if (target.status === 'reversed') {
      return { kind: 'resolved', resolution: `The channel reversed payment ${target.receiptNo}${target.reversedAt === null ? '' : ` on ${target.reversedAt.toISOString()}`}.`, evidence: base };
    }
    return { kind: 'queued', evidence: { ...base, stuckAt: 'no_refund', note: `Payment ${target.receiptNo} stands: no reversal was made.` } };
  }
  const { channel, reversal } = target.channel;
  if (reversal?.status === 'reversed') {
    return {
      kind: 'resolved',
      resolution: `The channel gave the debit ${target.intentId} back${reversal.reversedAt === null ? '' : ` on ${reversal.reversedAt}`}${target.refund?.reversalId ? ` (reversal ${target.refund.reversalId})` : ''}.`,
      evidence: base,
    };
  }
  if (channel.status !== 'succeeded') return { kind: 'queued', evidence: { ...base, stuckAt: 'not_debited', note: `The channel answers ${channel.status}: it holds no debit to give back.` } };
  const refund = target.refund;
  if (refund === null) {
    const note = target.payment?.status === 'completed' ? `The debit paid receipt ${target.payment.receiptNo}; no refund was asked for.` : 'No refund was asked for.';
    return { kind: 'queued', evidence: { ...base, stuckAt: 'no_refund', note } };
  }
  const where: Record<string, string> = {
    requested: 'refund_pending',
    unresolved: 'refund_unresolved',
    refused: 'refund_refused',
    succeeded: 'channel_not_reversed',
  };
  return { kind: 'queued', evidence: { ...base, stuckAt: where[refund.status] ?? refund.status, note: `Our refund is ${refund.status}; the channel has not reversed the debit.` } };
}

/** One SMS notification sent for the payment, with its delivery receipts (notification's GET /v1/payment-messages). */
export type MessageFacts = {
  messageId: string;
  template: string;
  recipient: string;
  state: string;
  lastError: string | null;
  submittedAt: string | null;
  doneAt: string | null;
  receipts: { state: string; errorCode: string | null; doneAt: string | null }[];
};

/** `no_sms`: delivered (the SMSC's receipt says so): resolved with the receipts; otherwise queued with what is there. */
export function checkNoSms(facts: { paymentId: string | null; intentId: string | null; messages: readonly MessageFacts[] } | null): CheckOutcome {
  if (facts === null) return { kind: 'queued', evidence: { check: 'no_sms', stuckAt: 'no_payment', note: 'No payment of this client matches the complaint: no SMS was due.' } };
  const base = { check: 'no_sms', paymentId: facts.paymentId, intentId: facts.intentId, messages: facts.messages };
  const delivered = facts.messages.filter((m) => m.state === 'delivered');
  if (delivered.length > 0) {
    return {
      kind: 'resolved',
      resolution: `Delivered: ${delivered.map((m) => `${m.template} to ${m.recipient}${m.doneAt === null ? '' : ` on ${m.doneAt}`}`).join('; ')} (the SMSC's delivery receipt).`,
      evidence: base,
    };
  }
  if (facts.messages.length === 0) return { kind: 'queued', evidence: { ...base, stuckAt: 'no_message', note: 'Notification holds no SMS for this payment.' } };
  return { kind: 'queued', evidence: { ...base, stuckAt: 'not_delivered', note: `No SMS of this payment was delivered: ${facts.messages.map((m) => `${m.template} ${m.state}`).join(', ')}.` } };
}
