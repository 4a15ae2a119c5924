// The automatic first check of a complaint whose evidence is another service's word (double_debit,
// wrong_amount, refund_not_received, no_sms), run after filing on its complaint.logged: the complaint
// is read, the client's own debits of the customer's account around it are gathered from our ledger,
// the channel is asked about each of ours through the bank adapter's live status inquiry (or
// notification about the payment's SMS), and the pure decision (domain/complaint-check.ts) is applied
// in one transaction under the row lock: evidence recorded and, when resolved, complaint.resolved
// through the outbox with the audit row. Only a complaint still `logged` with no evidence yet is
// changed: a redelivery finds the evidence and changes nothing; one an operator took meanwhile
// (assigned, resolved, rejected) or the clock escalated is left as they made it. A dependency that
// cannot answer throws, and the consumer retries.
import { withTransaction } from '@gateway/kit';
import type { Pool } from 'pg';
import type { ComplaintEvidenceSource } from '../clients/complaint-evidence.client.ts';
import { checkDoubleDebit, checkedAfterFiling, checkNoSms, checkRefundNotReceived, checkWrongAmount } from '../domain/complaint-check.ts';
import type { CheckOutcome, DebitFacts } from '../domain/complaint-check.ts';
import type { ComplaintRecord } from '../domain/complaint.ts';
import { findAccountDebits, findNamedDebit } from '../store/pg-complaint-check-store.ts';
import type { ChannelPaymentRow, IntentDebitRow } from '../store/pg-complaint-check-store.ts';
import { findComplaintById, lockComplaint, updateComplaint } from '../store/pg-complaint-store.ts';
import { changeComplaint } from './complaint-change.ts';

export type ComplaintCheckDeps = {
  pool: Pool;
  evidence: ComplaintEvidenceSource;
  /** How far around the complaint's debit (or back from the filing, when it names only the account) its other debits are looked for. */
  windowMs: number;
  now: () => Date;
  /** Where complaint.resolved goes; the catalogue's topic unless a test says otherwise. */
  topic?: string | undefined;
};

/** Who the audit log and complaint.resolved name as having resolved it (as the filing's own check does). */
export const automaticCheckActor = 'automatic-check';

type Row = { intent: IntentDebitRow } | { payment: ChannelPaymentRow };

const timeOf = (r: Row) => ('intent' in r ? r.intent.createdAt : r.payment.paidAt);
const idOf = (r: Row) => ('intent' in r ? r.intent.intentId : r.payment.paymentId);

async function factsOf(deps: ComplaintCheckDeps, row: Row): Promise<DebitFacts> {
  if ('payment' in row) {
    const p = row.payment;
    return {
      source: 'channel',
      paymentId: p.paymentId,
      receiptNo: p.receiptNo,
      channelId: p.channelId,
      channelTxnId: p.channelTxnId,
      amount: { amount: p.amount, currency: p.currency },
      fee: p.fee,
      status: p.status,
      paidAt: p.paidAt,
      reversedAt: p.reversedAt,
    };
  }
  const i = row.intent;
  return {
    source: 'intent',
    intentId: i.intentId,
    channelId: i.channelId,
    amount: { amount: i.amount, currency: i.currency },
    fee: i.fee,
    intentStatus: i.status,
    createdAt: i.createdAt,
    payment: i.payment,
    refund: i.refund,
    channel: await deps.evidence.debitInquiry(i.channelId, i.intentId),
  };
}

/** The debit the complaint names, and every debit of the client for the customer's account around it (the named one included), oldest first. */
async function debitsAround(deps: ComplaintCheckDeps, complaint: ComplaintRecord): Promise<{ named: Row | null; around: Row[] }> {
  const named = await findNamedDebit(deps.pool, complaint.clientId, complaint);
  const accountNo = named === null ? complaint.accountNo : 'intent' in named ? named.intent.accountNo : named.payment.accountNo;
  if (accountNo === null) return { named, around: named === null ? [] : [named] };
  const anchor = named === null ? complaint.createdAt : timeOf(named);
  const to = named === null ? anchor : new Date(anchor.getTime() + deps.windowMs);
  const found = await findAccountDebits(deps.pool, complaint.clientId, accountNo, new Date(anchor.getTime() - deps.windowMs), to);
  const around: Row[] = [...found.intents.map((intent) => ({ intent })), ...found.payments.map((payment) => ({ payment }))];
  if (named !== null && !around.some((r) => idOf(r) === idOf(named))) around.push(named);
  around.sort((a, b) => timeOf(a).getTime() - timeOf(b).getTime());
  return { named, around };
}

const paymentIdOf = (r: Row) => ('intent' in r ? (r.intent.payment?.paymentId ?? null) : r.payment.paymentId);
const hasRefund = (r: Row) => ('intent' in r ? r.intent.refund !== null : r.payment.status === 'reversed');

async function decide(deps: ComplaintCheckDeps, complaint: ComplaintRecord): Promise<CheckOutcome> {
  const { named, around } = await debitsAround(deps, complaint);
  switch (complaint.type) {
    case 'double_debit': {
      const facts: DebitFacts[] = [];
      for (const row of around) facts.push(await factsOf(deps, row));
      return checkDoubleDebit(facts);
    }
    case 'wrong_amount': {
      // Not named: the latest debit of the account before the filing is the one the customer means.
      const target = named ?? around.at(-1) ?? null;
      return checkWrongAmount(target === null ? null : await factsOf(deps, target));
    }
    case 'refund_not_received': {
      const target = named ?? around.filter(hasRefund).at(-1) ?? around.at(-1) ?? null;
      return checkRefundNotReceived(target === null ? null : await factsOf(deps, target));
    }
    case 'no_sms': {
      const target = named ?? around.filter((r) => paymentIdOf(r) !== null).at(-1) ?? null;
      if (target === null) return checkNoSms(null);
      const paymentId = paymentIdOf(target);
      // The receipt SMS is the payment's; an intent that bought nothing has only its own (unknown, refunded).
      const intentId = paymentId === null && 'intent' in target ? target.intent.intentId : null;
      return checkNoSms({ paymentId, intentId, messages: await deps.evidence.paymentMessages({ paymentId, intentId }) });
    }
    case 'paid_not_settled':
      throw new Error('paid_not_settled is checked at filing');
  }
}

const open = (c: ComplaintRecord) => c.status === 'logged' && c.evidence === null;

export async function checkFiledComplaint(deps: ComplaintCheckDeps, complaintId: string): Promise<string> {
  const complaint = await findComplaintById(deps.pool, complaintId);
  // Not ours (another deployment's on a shared topic) or gone: nothing to check.
  if (complaint === null) return 'unknown complaint';
  if (!checkedAfterFiling.includes(complaint.type)) return 'checked at filing';
  if (!open(complaint)) return 'already checked or taken';
  const outcome = await decide(deps, complaint);
  return withTransaction(deps.pool, async (tx) => {
    const locked = await lockComplaint(tx, complaintId);
    if (locked === null || !open(locked)) return 'taken meanwhile';
    const now = deps.now();
    if (outcome.kind === 'queued') {
      await updateComplaint(tx, { ...locked, evidence: outcome.evidence, updatedAt: now });
      return 'queued';
    }
    await changeComplaint(tx, { ...locked, evidence: outcome.evidence }, 'resolved', {
      now,
      actor: automaticCheckActor,
      note: outcome.resolution,
      requestId: null,
      correlationId: locked.correlationId,
      topic: deps.topic,
    });
    return 'resolved';
  });
}
