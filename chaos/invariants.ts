// The fault suite's invariant checker (issue 13): reads the truth from every side (the four service
// databases, the Kafka topics and groups, the channels' GET /transactions, the SMSC's GET /parts)
// and holds the system, and every answer the load's clients got, to the promises it makes.
//
// It is called every ~2 s while the system settles, so it only reads (one REPEATABLE READ READ ONLY
// transaction per database, a Kafka reader that keeps its position between calls) and takes seconds
// at most at ~50k operations.
//
// Two kinds of invariant:
// - at once: a violation the moment it is seen, however long one waits (a payment twice, a debit
//   twice, a ledger transaction that does not balance, a 201 for a payment that does not exist, a 5xx
//   to a client). Marked "at once" below.
// - settling: true only once the system has caught up (outboxes drained, no consumer lag, every
//   bill.settled published, every receipt sent). While the load runs or a fault is on they are
//   expected to fail; the suite's settle deadline is what turns them into failures. Marked "settling".
//
// The sources are read one after another, not in one instant, so a settling invariant can show a
// transient gap between two sources (an event published between the database read and the topic
// read); the suite judges them only once nothing moves any more.
import { isErrorCode } from '@gateway/contracts';
import { readKafka, stopKafkaReader } from './invariants-kafka.ts';
import type { KafkaSnapshot } from './invariants-kafka.ts';
import { readBankAdapterOutbox, readBilling, readDebits, readNotification, readOrchestration, readSmscParts } from './invariants-sources.ts';
import type { BillingTruth, DebitTransaction, NotificationTruth, OrchestrationTruth, OutboxState, SmscPart } from './invariants-sources.ts';
import type { ChaosStack, InvariantReport, Operation, Violation } from './types.ts';

export { stopKafkaReader as stopInvariantChecker };

export interface CheckOptions {
  /** The stack's INTENT_RECONCILIATION_GRACE: how long past its expiry an intent may stay open. */
  intentGraceMs?: number;
}

type Tally = { violations: Violation[]; lost: number; duplicated: number };

/** Keeps the report readable: the first few of each invariant are listed, the rest counted. */
const perInvariantListed = 20;

function violate(t: Tally, invariant: string, detail: string, kind?: 'lost' | 'duplicated'): void {
  if (kind === 'lost') t.lost += 1;
  if (kind === 'duplicated') t.duplicated += 1;
  t.violations.push({ invariant, detail });
}

function bodyOf(op: Operation): Record<string, unknown> {
  if (op.outcome.kind !== 'response') return {};
  const body = op.outcome.body;
  return typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
}

function ok(op: Operation): boolean {
  return op.outcome.kind === 'response' && op.outcome.status >= 200 && op.outcome.status < 300;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The paymentId a 2xx payment/intent/reversal answer named (the load records it in refs too). */
function ref(op: Operation, name: string): string | undefined {
  return str(op.refs[name]) ?? str(bodyOf(op)[name]);
}

// ---- every client outcome (at once) ---------------------------------------------------------------

function checkOutcomes(t: Tally, operations: readonly Operation[]): void {
  for (const op of operations) {
    const o = op.outcome;
    if (o.kind === 'connection_error') continue;
    if (o.status >= 200 && o.status < 300) continue;
    // Conflict, rate limit, unavailable: the client retries with the same key, and may.
    if (o.status === 409 || o.status === 429 || o.status === 503) continue;
    if (o.status >= 400 && o.status < 500 && isErrorCode(o.code)) continue;
    violate(t, 'client outcome', `op ${op.id} ${op.kind} ${op.method} ${op.path}: ${o.status}${o.code ? ` ${o.code}` : ''} (not 2xx, a 4xx with a code, 409/429/503 or a connection error)`);
  }
}

// ---- payments: once in the DB, allocated once, settled once (at once + settling) ------------------

function checkPayments(t: Tally, operations: readonly Operation[], o: OrchestrationTruth, b: BillingTruth, k: KafkaSnapshot | undefined): number {
  let acknowledged = 0;
  const byTxn = new Map<string, Set<string>>();
  const promised = new Set<string>();
  for (const op of operations) {
    if ((op.kind !== 'payment' && op.kind !== 'storm_payment') || !ok(op)) continue;
    acknowledged += 1;
    const paymentId = ref(op, 'paymentId');
    const channelTxnId = ref(op, 'channelTxnId');
    if (paymentId === undefined) {
      violate(t, 'phantom success', `op ${op.id}: ${op.kind} answered ${op.outcome.kind === 'response' ? op.outcome.status : ''} without a paymentId`, 'lost');
      continue;
    }
    if (channelTxnId !== undefined) {
      const key = `${ref(op, 'channelId') ?? op.refs.clientId ?? '?'}/${channelTxnId}`;
      byTxn.set(key, (byTxn.get(key) ?? new Set()).add(paymentId));
    }
    if (promised.has(paymentId)) continue;
    promised.add(paymentId);
    // at once: a 201 for a payment the database does not hold.
    const row = o.payments.get(paymentId);
    if (row === undefined) {
      violate(t, 'phantom success', `op ${op.id}: 201 payment ${paymentId} is not in orchestration's payments`, 'lost');
      continue;
    }
    if (channelTxnId !== undefined && row.channel_txn_id !== channelTxnId) {
      violate(t, 'payment identity', `op ${op.id}: payment ${paymentId} was answered for channelTxnId ${channelTxnId} but holds ${row.channel_txn_id}`);
    }
  }
  // at once: one channelTxnId, one payment, whatever key it came under (the duplicate storm).
  for (const [key, ids] of byTxn) {
    if (ids.size > 1) violate(t, 'payment once', `channelTxnId ${key} was answered with ${ids.size} payments: ${[...ids].join(', ')}`, 'duplicated');
  }

  for (const p of o.payments.values()) {
    // at once: allocated exactly its amount (the allocation rows' key keeps one row per bill).
    if (p.allocated === null || p.allocated !== p.amount) {
      violate(t, 'payment allocated once', `payment ${p.payment_id}: amount ${p.amount}, allocations ${p.allocated ?? 'none'}`);
    }
    // at once: the ledger transaction is written with the payment.
    if (!p.has_ledger) violate(t, 'ledger', `payment ${p.payment_id} has no ledger entries`);
    const bills = p.bills ?? [];
    // settling: billing applied each allocation once (its key makes "more than once" impossible), and
    // its reversal when the payment was reversed.
    for (const billId of bills) {
      if (!b.applied.has(`${p.payment_id}:${billId}:payment`)) {
        violate(t, 'payment settled', `payment ${p.payment_id} not applied to bill ${billId} in billing`, promised.has(p.payment_id) ? 'lost' : undefined);
      }
      if (p.status === 'reversed' && !b.applied.has(`${p.payment_id}:${billId}:reversal`)) {
        violate(t, 'reversal settled', `reversed payment ${p.payment_id} not reversed on bill ${billId} in billing`);
      }
    }
    if (k === undefined) continue;
    // settling: published once; at once: never under two event ids.
    const completed = k.truth.completed.get(p.payment_id)?.size ?? 0;
    if (completed === 0) violate(t, 'payment published', `payment.completed for ${p.payment_id} not on payments.payments`, promised.has(p.payment_id) ? 'lost' : undefined);
    if (completed > 1) violate(t, 'payment published once', `payment.completed for ${p.payment_id} published under ${completed} event ids`, 'duplicated');
    const reversed = k.truth.reversed.get(p.payment_id)?.size ?? 0;
    if (p.status === 'reversed' && reversed === 0) violate(t, 'reversal published', `payment.reversed for ${p.payment_id} not on payments.payments`);
    if (reversed > 1) violate(t, 'reversal published once', `payment.reversed for ${p.payment_id} published under ${reversed} event ids`, 'duplicated');
  }

  // Per bill: the bill.settled events less the bill.reopened ones is 1 for a paid bill, 0 otherwise.
  // More than that is a settlement published twice (at once); less is one not yet published (settling).
  if (k !== undefined) {
    for (const [billId, bill] of b.bills) {
      const net = (k.truth.settled.get(billId)?.size ?? 0) - (k.truth.reopened.get(billId)?.size ?? 0);
      const want = bill.status === 'paid' ? 1 : 0;
      if (net > 1) {
        violate(t, 'bill settled once', `bill ${billId} (${bill.status}): ${k.truth.settled.get(billId)?.size ?? 0} bill.settled, ${k.truth.reopened.get(billId)?.size ?? 0} bill.reopened`, 'duplicated');
      } else if (net !== want) {
        violate(t, 'bill settled', `bill ${billId} is ${bill.status} in billing but billing.bills has ${k.truth.settled.get(billId)?.size ?? 0} bill.settled and ${k.truth.reopened.get(billId)?.size ?? 0} bill.reopened`);
      }
    }
  }

  // at once: no bill's allocations exceed what it owed; billing agrees with itself; ledger balances.
  for (const x of o.overAllocated) violate(t, 'bill not over-allocated', `bill ${x.bill_id}: live allocations ${x.allocated} > due ${x.due}`, 'duplicated');
  for (const x of b.inconsistent) violate(t, 'billing consistent', `bill ${x.bill_id}: ${x.detail}`);
  for (const x of o.unbalanced) violate(t, 'ledger balanced', `ledger transaction ${x.txn_id} sums to ${x.total} ${x.currency}`);
  // Money billing could not put on a bill: under chaos none should arise (no load sends overpayments
  // or unknown bills), so each is a payment applied late or twice somewhere.
  for (const x of b.unapplied) violate(t, 'nothing unapplied', `billing holds ${x.kind} ${x.payment_id} for bill ${x.bill_id} unapplied: ${x.reason}`);
  return acknowledged;
}

// ---- reversals (at once + settling) ----------------------------------------------------------------

function checkReversals(t: Tally, operations: readonly Operation[], o: OrchestrationTruth): number {
  let acknowledged = 0;
  for (const op of operations) {
    if (op.kind !== 'reversal' || !ok(op)) continue;
    acknowledged += 1;
    const reversalId = ref(op, 'reversalId');
    const reversal = reversalId === undefined ? undefined : o.reversals.get(reversalId);
    if (reversal === undefined) {
      violate(t, 'phantom success', `op ${op.id}: 2xx reversal ${reversalId ?? '(no id)'} is not in orchestration's reversals`, 'lost');
      continue;
    }
    const payment = o.payments.get(reversal.payment_id);
    // at once for a completed reversal; settling for a pending one (a channel refund still running).
    if (payment?.status !== 'reversed' && reversal.status === 'completed') {
      violate(t, 'phantom success', `op ${op.id}: reversal ${reversal.reversal_id} answered, but payment ${reversal.payment_id} is ${payment?.status ?? 'missing'}`, 'lost');
    } else if (payment?.status !== 'reversed') {
      violate(t, 'reversal settled', `reversal ${reversal.reversal_id} still ${reversal.status}; payment ${reversal.payment_id} is ${payment?.status ?? 'missing'}`);
    }
  }
  for (const r of o.reversals.values()) {
    if (r.status === 'completed' && !r.has_ledger) violate(t, 'ledger', `reversal ${r.reversal_id} has no ledger entries`);
  }
  return acknowledged;
}

// ---- intents and channel debits (at once + settling) -----------------------------------------------

function checkIntents(t: Tally, operations: readonly Operation[], o: OrchestrationTruth, debits: DebitTransaction[]): number {
  const live = new Map<string, DebitTransaction[]>();
  const reversedAt = new Set<string>();
  for (const d of debits) {
    const key = `${d.channel}/${d.reference}`;
    if (d.status === 'succeeded') live.set(key, [...(live.get(key) ?? []), d]);
    else reversedAt.add(key);
  }
  // A succeeded intent's money is at the channel: debited and still held, or given back because its
  // payment was reversed (a reversal of an intent's payment refunds the debit).
  const debited = (intent: { channel_id: string; reference: string; payment_id: string | null }) => {
    const key = `${intent.channel_id}/${intent.reference}`;
    if (live.has(key)) return true;
    return reversedAt.has(key) && intent.payment_id !== null && o.payments.get(intent.payment_id)?.status === 'reversed';
  };
  // Every debit that still holds the payer's money belongs to exactly one succeeded intent.
  for (const [key, list] of live) {
    const reference = list[0]!.reference;
    const intent = o.intentsByReference.get(reference);
    // at once: the payer debited twice for one intent.
    if (list.length > 1) violate(t, 'debited once', `${key}: ${list.length} live debits (${list.map((d) => d.txnId).join(', ')})`, 'duplicated');
    if (intent === undefined) {
      violate(t, 'debit has an intent', `${key}: debit ${list[0]!.txnId} for no intent the gateway knows`);
    } else if (intent.status !== 'succeeded') {
      // settling: a debit that bought nothing is refunded automatically; until then the payer is out
      // of pocket. In reconciliation it waits for an operator, which the suite still counts.
      violate(
        t,
        'debit refunded',
        `${key}: debit ${list[0]!.txnId} holds the payer's money, intent ${intent.intent_id} is ${intent.status}` +
          `${intent.refund_status ? `, refund ${intent.refund_status}` : ''}${intent.reconciliation_reason ? `, in reconciliation: ${intent.reconciliation_reason}` : ''}`,
      );
    } else if (intent.channel_id !== list[0]!.channel) {
      violate(t, 'debit has an intent', `${key}: debit at ${list[0]!.channel} for intent ${intent.intent_id} of ${intent.channel_id}`);
    }
  }
  for (const intent of o.intents.values()) {
    // at once: the gateway recorded a payment for money the channel does not hold.
    if (intent.status === 'succeeded' && !debited(intent)) {
      violate(t, 'succeeded intent debited', `intent ${intent.intent_id} succeeded (payment ${intent.payment_id ?? '?'}) but ${intent.channel_id} holds no live debit for ${intent.reference}`);
    }
    // at once (time-based): open past its expiry plus grace, and nobody was told why.
    if (intent.overdue && ['requires_confirmation', 'processing', 'unknown'].includes(intent.status) && intent.reconciliation_reason === null) {
      violate(t, 'intent resolved in time', `intent ${intent.intent_id} is still ${intent.status} past its expiry plus grace, not in reconciliation`);
    }
  }
  // What the clients saw: a `succeeded` is a promise that money moved and a payment exists.
  const succeeded = new Set<string>();
  for (const op of operations) {
    if (!op.kind.startsWith('intent_') || !ok(op)) continue;
    const intentId = ref(op, 'intentId');
    if (intentId === undefined || (str(bodyOf(op).status) ?? op.refs.status) !== 'succeeded') continue;
    if (succeeded.has(intentId)) continue;
    succeeded.add(intentId);
    const intent = o.intents.get(intentId);
    if (intent?.status !== 'succeeded') {
      violate(t, 'phantom success', `op ${op.id}: client saw intent ${intentId} succeeded; it is ${intent?.status ?? 'missing'}`, 'lost');
    } else if (!debited(intent)) {
      violate(t, 'phantom success', `op ${op.id}: client saw intent ${intentId} succeeded; ${intent.channel_id} has no debit for it`, 'lost');
    } else if (intent.payment_id === null || !o.payments.has(intent.payment_id)) {
      violate(t, 'phantom success', `op ${op.id}: intent ${intentId} succeeded without its payment ${intent.payment_id ?? ''}`, 'lost');
    }
  }
  return succeeded.size;
}

// ---- SMS (at once + settling) ----------------------------------------------------------------------

function checkSms(t: Tally, o: OrchestrationTruth, b: BillingTruth, n: NotificationTruth, parts: SmscPart[]): void {
  // at once: every part the SMSC stored under one reference of ours ("<messageId>:<seq>") is one
  // submit; two are that part sent twice. The SMSC answers a resubmission of a stored reference with
  // the first id, so a second stored one means the reference changed or was missing.
  const byReference = new Map<string, number>();
  for (const part of parts) {
    if (part.esmeReference === undefined) continue;
    byReference.set(part.esmeReference, (byReference.get(part.esmeReference) ?? 0) + 1);
  }
  for (const [reference, count] of byReference) {
    if (count > 1) violate(t, 'sms once', `SMS part ${reference} received ${count} times by the SMSC`, 'duplicated');
  }
  // settling: every payment whose payer or bill holder has a mobile owes a receipt (notification's
  // sms-plan.ts: payment_receipt per payment, payment_reversed per reversal, to the payer named by
  // the event or the first bill's holder), and every part of it reached the SMSC. An opt-out
  // (suppressed) owes nothing.
  const owed = (template: string, source: string, what: string) => {
    const prefix = `${template}:${source}:`;
    const messages = keysWithPrefix(n, prefix);
    const message = messages[0];
    if (message === undefined) return violate(t, 'receipt sent', `${what}: no ${template} SMS planned`);
    if (messages.length > 1) violate(t, 'sms once', `${what}: ${messages.length} ${template} SMS (${messages.map((m) => m.message_id).join(', ')})`, 'duplicated');
    if (message.state === 'suppressed') return;
    const segments = message.segments ?? 1;
    for (let seq = 1; seq <= segments; seq += 1) {
      if (!byReference.has(`${message.message_id}:${seq}`)) {
        return violate(t, 'receipt sent', `${what}: ${template} SMS ${message.message_id} part ${seq}/${segments} not at the SMSC (state ${message.state})`);
      }
    }
  };
  for (const p of o.payments.values()) {
    if (p.payer_msisdn === null && !b.msisdnOf.has(p.account_no)) continue;
    owed('payment_receipt', p.payment_id, `payment ${p.payment_id}`);
  }
  for (const r of o.reversals.values()) {
    const p = o.payments.get(r.payment_id);
    if (r.status !== 'completed' || p === undefined || (p.payer_msisdn === null && !b.msisdnOf.has(p.account_no))) continue;
    owed('payment_reversed', r.reversal_id, `reversal ${r.reversal_id}`);
  }
  // settling: events waiting for a bill snapshot to learn whom to text.
  if (n.awaitingContact > 0) violate(t, 'receipt sent', `${n.awaitingContact} payment events still wait for their bill's contact`);
}

const prefixIndex = new WeakMap<NotificationTruth, Map<string, { message_id: string; state: string; segments: number | null }[]>>();

/** Receipts by "<template>:<source>:", built once per read. */
function keysWithPrefix(n: NotificationTruth, prefix: string) {
  let index = prefixIndex.get(n);
  if (index === undefined) {
    index = new Map();
    for (const [key, message] of n.receipts) {
      const cut = key.indexOf(':', key.indexOf(':') + 1);
      const p = key.slice(0, cut + 1);
      index.set(p, [...(index.get(p) ?? []), message]);
    }
    prefixIndex.set(n, index);
  }
  return index.get(prefix) ?? [];
}

// ---- imports and campaigns (at once) --------------------------------------------------------------

function checkOthers(t: Tally, operations: readonly Operation[], b: BillingTruth, n: NotificationTruth): number {
  let acknowledged = 0;
  for (const op of operations) {
    if (!ok(op)) continue;
    if (op.kind === 'bill_import') {
      acknowledged += 1;
      const batchId = ref(op, 'batchId');
      if (batchId !== undefined && !b.batches.has(batchId)) violate(t, 'phantom success', `op ${op.id}: 2xx import of batch ${batchId}, which billing does not hold`, 'lost');
    } else if (op.kind === 'campaign') {
      acknowledged += 1;
      const campaignId = ref(op, 'campaignId');
      if (campaignId !== undefined && !n.campaigns.has(campaignId)) violate(t, 'phantom success', `op ${op.id}: 2xx campaign ${campaignId}, which notification does not hold`, 'lost');
    }
  }
  return acknowledged;
}

// ---- outboxes, lag, dead letters (settling; parked and dead-lettered at once) ----------------------

function checkPipes(t: Tally, outboxes: Record<string, OutboxState>, k: KafkaSnapshot | undefined): void {
  for (const [service, outbox] of Object.entries(outboxes)) {
    if (outbox.unpublished > 0) violate(t, 'outbox drained', `${service}: ${outbox.unpublished} outbox rows unpublished`);
    for (const row of outbox.parked) violate(t, 'nothing parked', `${service}: outbox row ${row.id} (${row.topic}) parked: ${row.last_error ?? ''}`);
  }
  if (k === undefined) return;
  if (k.unreadable !== undefined) violate(t, 'kafka readable', k.unreadable);
  for (const lag of k.lag) violate(t, 'no consumer lag', lag);
  for (const [topic, { count, samples }] of k.truth.deadLetters) {
    violate(t, 'nothing dead-lettered', `${topic}: ${count} messages, e.g. ${samples.join(' | ')}`);
  }
}

/** A source that could not be read is itself a violation (settling: Postgres or Kafka may be down). */
async function attempt<T>(t: Tally, source: string, read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    violate(t, 'source readable', `${source}: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
}

export async function checkInvariants(stack: ChaosStack, operations: readonly Operation[], options: CheckOptions = {}): Promise<InvariantReport> {
  const t: Tally = { violations: [], lost: 0, duplicated: 0 };
  const intentGraceMs = options.intentGraceMs ?? 30_000;
  // Kafka first: anything the databases show as published must be in what was read.
  const [kafka, orchestration, billing, notification, bankAdapterOutbox, debits, smsc] = await Promise.all([
    attempt(t, 'kafka', () => readKafka(stack)),
    attempt(t, 'payments database', () => readOrchestration(stack, intentGraceMs)),
    attempt(t, 'billing database', () => readBilling(stack)),
    attempt(t, 'notification database', () => readNotification(stack)),
    attempt(t, 'bank_adapter database', () => readBankAdapterOutbox(stack)),
    attempt(t, 'channels /transactions', () => readDebits(stack)),
    attempt(t, 'SMSC /messages', () => readSmscParts(stack)),
  ]);

  checkOutcomes(t, operations);
  let acknowledged = 0;
  if (orchestration !== undefined && billing !== undefined) {
    acknowledged += checkPayments(t, operations, orchestration.truth, billing.truth, kafka);
    acknowledged += checkReversals(t, operations, orchestration.truth);
    if (debits !== undefined) acknowledged += checkIntents(t, operations, orchestration.truth, debits);
    if (notification !== undefined && smsc !== undefined) checkSms(t, orchestration.truth, billing.truth, notification.truth, smsc);
  }
  if (billing !== undefined && notification !== undefined) acknowledged += checkOthers(t, operations, billing.truth, notification.truth);
  const outboxes: Record<string, OutboxState> = {};
  if (billing !== undefined) outboxes.billing = billing.outbox;
  if (orchestration !== undefined) outboxes['payment-orchestration'] = orchestration.outbox;
  if (bankAdapterOutbox !== undefined) outboxes['bank-adapter'] = bankAdapterOutbox;
  if (notification !== undefined) outboxes.notification = notification.outbox;
  checkPipes(t, outboxes, kafka);

  return { holds: t.violations.length === 0, violations: trim(t.violations), acknowledged, lost: t.lost, duplicated: t.duplicated };
}

function trim(violations: Violation[]): Violation[] {
  const counts = new Map<string, number>();
  const kept: Violation[] = [];
  for (const v of violations) {
    const n = (counts.get(v.invariant) ?? 0) + 1;
    counts.set(v.invariant, n);
    if (n <= perInvariantListed) kept.push(v);
  }
  for (const [invariant, n] of counts) {
    if (n > perInvariantListed) kept.push({ invariant, detail: `… and ${n - perInvariantListed} more` });
  }
  return kept;
}
