// What a channel's settlement file does to our intents, in the caller's transaction: an unknown
// intent the file shows debited is settled as if the adapter's debit-succeeded had come (the file is
// the channel's word of record), and an operator resolves a debit the file shows that bought nothing
// here by recording its payment (record_payment) or by giving it back (refund). Both go the way a
// channel result goes: recordPayment (payment.completed through the outbox, so billing settles the
// bills) or the automatic refund's channel.refund-requested, with the intent's change and its events.
import { createEvent, httpStatusOf, moneyEquals } from '@gateway/contracts';
import type { ErrorCode, EventOf, Money } from '@gateway/contracts';
import type { PoolClient } from 'pg';
import type { ApplyDebitResultDeps } from './apply-debit-result.flow.ts';
import { debitAmount } from '../domain/intent-record.ts';
import type { IntentRecord } from '../domain/intent-record.ts';
import { decideIntent } from '../domain/intent-state.ts';
import type { SettlementLine } from '../domain/reconciliation.ts';
import { serviceName } from '../service-name.ts';
import { lockIntent } from '../store/pg-intent-store.ts';
import { keptIf, unknownIntentsAmong } from '../store/pg-reconciliation-store.ts';
import { applyDebitResult, intentPaymentInput } from './apply-debit-result.flow.ts';
import { applyIntentChange, enqueueStatusRequest } from './intent-change.ts';
import type { IntentTopics } from './intent-change.ts';
import { paymentContext, recordPayment } from './record-payment.flow.ts';

export type FileActionDeps = { catalogues: ApplyDebitResultDeps['catalogues']; topics?: IntentTopics | undefined; now: Date };

/** A debit as the file states it: enough to record it as the intent's payment or to give it back. */
type FileDebit = { channelTxnId: string; amount: Money; debitedAt: string };

/** The debit a file row states, or why it cannot be acted on (the row's columns come from the channel). */
function fileDebitOf(row: Record<string, unknown> | null, now: Date): FileDebit | string {
  if (row === null || row['status'] !== 'succeeded') return 'The channel’s file shows no debit under this reference.';
  const txnId = row['txnId'];
  if (typeof txnId !== 'string' || txnId.length === 0 || txnId.length > 128) return 'The file’s row names no usable transaction id (txnId) of the channel.';
  const debitedAt = typeof row['debitedAt'] === 'string' && !Number.isNaN(Date.parse(row['debitedAt'])) ? new Date(row['debitedAt']).toISOString() : now.toISOString();
  return { channelTxnId: txnId, amount: { amount: Number(row['amount']), currency: String(row['currency']) } as Money, debitedAt };
}

/**
 * Settles, before the match, each intent of the channel still `unknown` whose reference the file lists
 * as debited: the adapter's debit-succeeded is applied as it would have been (apply-debit-result), with
 * the payment dated on the file's day so it matches that day. Kept only when the payment is recorded:
 * a debit that cannot be (the bill was paid meanwhile, another amount) must be given back or looked at,
 * and the adapter reverses only a debit it knows succeeded (by the channel's id of it, which a lost
 * reply never gave it), so instead the adapter is asked for the debit's status now: its answer takes
 * the ordinary path (the automatic refund). An intent the file lacks is left to the adapter: its status
 * inquiry already takes a "not found" as final once the closed statement of the day lacks the debit
 * (docs/design.md, finality window). Returns what was done to each intent.
 */
export async function settleUnknownFromFile(
  client: PoolClient,
  file: EventOf<'channel.settlement-file-fetched'>,
  theirs: SettlementLine[],
  deps: FileActionDeps,
): Promise<string[]> {
  const { channelId, businessDate } = file.payload;
  const debited = new Map(theirs.filter((l) => l.status === 'succeeded').map((l) => [l.reference, l]));
  const done: string[] = [];
  for (const intentId of await unknownIntentsAmong(client, channelId, [...debited.keys()])) {
    const debit = fileDebitOf(debited.get(intentId)!.evidence, deps.now);
    if (typeof debit === 'string') continue;
    const intent = await lockIntent(client, intentId);
    if (intent === null) continue;
    const result = createEvent('channel.debit-succeeded', {
      producer: serviceName,
      key: intentId,
      correlationId: intent.correlationId,
      causationId: file.eventId,
      occurredAt: deps.now,
      payload: { intentId, channelId, reference: intent.reference, ...debit },
    });
    const applied = await keptIf(
      client,
      () => applyDebitResult(client, result, { catalogues: deps.catalogues, topics: deps.topics, businessDate }, deps.now),
      (outcome) => outcome.intent?.status === 'succeeded',
    );
    if (!applied.kept) {
      await enqueueStatusRequest(client, intent, { now: deps.now, correlationId: intent.correlationId, causationId: file.eventId, topics: deps.topics });
    }
    done.push(`${intentId}: ${applied.kept ? 'succeeded' : `asked the adapter (${applied.result.outcome})`}`);
  }
  return done;
}

type Refusal = { kind: 'refused'; code: ErrorCode; reason: string; message: string; details?: Record<string, unknown> };
export type FileActionOutcome = { kind: 'done'; detail: Record<string, unknown> } | Refusal;

const refused = (reason: string, message: string, code: ErrorCode = 'invalid_state', details?: Record<string, unknown>): Refusal => ({
  kind: 'refused',
  code,
  reason,
  message,
  ...(details === undefined ? {} : { details }),
});

type Target = { intent: IntentRecord; debit: FileDebit } | Refusal;

/** The intent an exception's file debit belongs to, locked, and that debit, if both can be acted on. */
async function targetOf(client: PoolClient, exception: { channel_id: string; reference: string; theirs: Record<string, unknown> | null }, now: Date): Promise<Target> {
  const debit = fileDebitOf(exception.theirs, now);
  if (typeof debit === 'string') return refused('no_debit_in_file', debit);
  const intent = await lockIntent(client, exception.reference);
  if (intent === null || intent.channelId !== exception.channel_id) {
    return refused('no_intent', `No intent of ${exception.channel_id} has the reference ${exception.reference}: nothing here says what the debit was for, and the adapter gives back only debits it made.`);
  }
  if (intent.paymentId !== null) return refused('intent_paid', `The intent’s debit already paid its bills (payment ${intent.paymentId}).`, 'invalid_state', { paymentId: intent.paymentId });
  if (intent.refund !== null) {
    return refused('already_refunded', `The intent’s debit was already given back once (refund ${intent.refund.status}); a reference is refunded at most once.`, 'invalid_state', {
      refundStatus: intent.refund.status,
    });
  }
  if (!moneyEquals(debit.amount, debitAmount(intent))) {
    const asked = debitAmount(intent);
    return refused('amount_mismatch', `The file’s debit is ${debit.amount.amount} ${debit.amount.currency}, the intent asked for ${asked.amount} ${asked.currency}.`);
  }
  return { intent, debit };
}

/** record_payment: the file's debit becomes the intent's payment, as a late debit-succeeded would. */
export async function recordPaymentFromFile(
  client: PoolClient,
  exception: { channel_id: string; business_date: string; reference: string; theirs: Record<string, unknown> | null },
  deps: FileActionDeps,
): Promise<FileActionOutcome> {
  const target = await targetOf(client, exception, deps.now);
  if ('kind' in target) return target;
  const { intent, debit } = target;
  const decision = decideIntent(intent, { type: 'debit-succeeded', channelTxnId: debit.channelTxnId, amountMatches: true });
  if (decision.kind !== 'record-payment') {
    const why = decision.kind === 'change' ? (decision.state.reconciliation?.detail ?? decision.state.status) : decision.kind === 'refused' ? decision.message : decision.why;
    return refused('not_recordable', `The intent (${intent.status}) cannot take this debit as its payment: ${why}.`);
  }
  const cause = { correlationId: intent.correlationId, causationId: null };
  const recorded = await recordPayment(client, intentPaymentInput(intent, debit, cause), { ...paymentContext(deps.catalogues, deps.now), businessDate: exception.business_date });
  if (recorded.kind === 'refused') {
    // Nothing was written: the exception stays open for another resolution (refund gives it back).
    const code = httpStatusOf(recorded.code) === 409 ? recorded.code : 'invalid_state';
    return refused('payment_refused', `The payment cannot be recorded (${recorded.code}): ${recorded.message}`, code, { code: recorded.code });
  }
  const paid = decideIntent(intent, { type: 'payment-recorded', channelTxnId: debit.channelTxnId });
  if (paid.kind === 'change') {
    await applyIntentChange(client, intent, paid, { ...cause, now: deps.now, topics: deps.topics }, { paymentId: recorded.payment.paymentId, receiptNo: recorded.payment.receiptNo });
  }
  return { kind: 'done', detail: { paymentId: recorded.payment.paymentId, receiptNo: recorded.payment.receiptNo, channelTxnId: debit.channelTxnId } };
}

/** refund: the file's debit is given back through the automatic refund's command (once per reference). */
export async function refundFromFile(
  client: PoolClient,
  exception: { channel_id: string; reference: string; theirs: Record<string, unknown> | null },
  deps: FileActionDeps & { note: string },
): Promise<FileActionOutcome> {
  const target = await targetOf(client, exception, deps.now);
  if ('kind' in target) return target;
  const { intent, debit } = target;
  const decision = decideIntent(intent, { type: 'file-refund', channelTxnId: debit.channelTxnId });
  if (decision.kind !== 'change') return refused('not_refundable', decision.kind === 'refused' ? decision.message : `The intent is ${intent.status}.`);
  await applyIntentChange(client, intent, decision, {
    now: deps.now,
    correlationId: intent.correlationId,
    causationId: null,
    topics: deps.topics,
    reason: `Given back on reconciliation: ${deps.note}`,
  });
  return { kind: 'done', detail: { intentId: intent.intentId, channelTxnId: debit.channelTxnId, refund: 'requested' } };
}
