// One timeline of a payment out of the three services' answers: payment orchestration's (the request,
// allocations, intent, reconciliation, reversal, published events), billing's (what each bill did with
// it, when it was settled, what could not be applied) and notification's (the SMS, their parts and
// delivery receipts). Each entry names its service, a kind the browser words in its language, a
// one-line English summary for API readers, the values it shows and the ids it links by. Pure.
import type { Money, PaymentEffects, PaymentTimeline } from '@gateway/contracts';

export type Service = 'payment-orchestration' | 'billing' | 'notification';

/** Payment orchestration's GET /v1/payment-timeline/{id}. */
export type OrchestrationPart = PaymentTimeline;

/** Billing's GET /v1/payment-effects/{paymentId}. */
export type BillingPart = PaymentEffects;

/** Notification's GET /v1/payment-messages. */
export type NotificationPart = {
  messages: {
    messageId: string;
    template: string;
    recipient: string;
    state: string;
    body: string;
    createdAt: string;
    submittedAt: string | null;
    doneAt: string | null;
    lastError: string | null;
    parts: { seq: number; smscMessageId: string; state: string; receipt: { state: string; errorCode: string | null; receivedAt: string } | null }[];
  }[];
};

export type EntryIds = Partial<Record<'paymentId' | 'intentId' | 'billId' | 'reversalId' | 'messageId' | 'eventId' | 'smscMessageId', string>>;

export type TimelineEntry = {
  at: string;
  service: Service;
  kind: string;
  summary: string;
  /** What the browser shows beside the kind: amounts as Money, the rest as text. */
  data: Record<string, string | Money | null>;
  ids: EntryIds;
};

const amountText = (m: Money) => `${m.amount} ${m.currency}`;

function orchestrationEntries(part: OrchestrationPart): TimelineEntry[] {
  const entries: TimelineEntry[] = [];
  const service = 'payment-orchestration' as const;
  const { payment, intent } = part;
  if (intent !== null) {
    entries.push({
      at: intent.createdAt,
      service,
      kind: 'intent.created',
      summary: `Intent ${intent.intentId} for ${amountText(intent.amount)} through ${intent.channelId}; now ${intent.status}`,
      data: { amount: intent.amount, channel: intent.channelId, status: intent.status, payer: intent.payerMsisdn, error: intent.lastError?.reason ?? null },
      ids: { intentId: intent.intentId, ...(payment ? { paymentId: payment.paymentId } : {}) },
    });
  }
  for (const r of part.reconciliation) {
    entries.push({
      at: r.createdAt,
      service,
      kind: 'intent.reconciliation',
      summary: `Needs a person: ${r.reason} (${r.detail}); money moved: ${r.moneyMoved}${r.resolvedAt ? `; resolved: ${r.resolution ?? ''}` : ''}`,
      data: { reason: r.reason, detail: r.detail, moneyMoved: r.moneyMoved, resolution: r.resolution },
      ids: intent ? { intentId: intent.intentId } : {},
    });
  }
  if (payment !== null) {
    entries.push({
      at: payment.recordedAt,
      service,
      kind: 'payment.recorded',
      summary: `Payment ${payment.receiptNo} of ${amountText(payment.amount)} from ${payment.channelId} (channelTxnId ${payment.channelTxnId}) for account ${payment.accountNo}, paid at ${payment.paidAt}`,
      data: {
        receiptNo: payment.receiptNo,
        amount: payment.amount,
        fee: payment.fee,
        channel: payment.channelId,
        channelTxnId: payment.channelTxnId,
        accountNo: payment.accountNo,
        paidAt: payment.paidAt,
        status: payment.status,
      },
      ids: { paymentId: payment.paymentId, ...(payment.intentId ? { intentId: payment.intentId } : {}) },
    });
    for (const a of payment.allocations) {
      entries.push({
        at: payment.recordedAt,
        service,
        kind: 'payment.allocation',
        summary: `${amountText(a.amount)} allocated to bill ${a.externalBillId}${a.reversedAt ? ' (reversed)' : ''}`,
        data: { amount: a.amount, waived: a.waived, bill: a.externalBillId },
        ids: { paymentId: payment.paymentId, billId: a.billId },
      });
    }
    if (payment.reversal !== null) {
      const r = payment.reversal;
      entries.push({
        at: r.recordedAt,
        service,
        kind: 'payment.reversal',
        summary: `Reversed (${r.status}): ${r.reason}`,
        data: { amount: r.amount, reason: r.reason, status: r.status, by: r.clientId },
        ids: { paymentId: payment.paymentId, reversalId: r.reversalId },
      });
    }
  }
  for (const e of part.events) {
    entries.push({
      at: e.createdAt,
      service,
      kind: 'event',
      summary: `${e.type} on ${e.topic}${e.publishedAt ? `, published ${e.publishedAt}` : e.parkedAt ? ', parked' : ', not yet published'}`,
      data: { type: e.type, topic: e.topic, publishedAt: e.publishedAt, parkedAt: e.parkedAt },
      ids: { eventId: e.eventId, ...(payment ? { paymentId: payment.paymentId } : intent ? { intentId: intent.intentId } : {}) },
    });
  }
  return entries;
}

function billingEntries(paymentId: string, part: BillingPart): TimelineEntry[] {
  const entries: TimelineEntry[] = [];
  const service = 'billing' as const;
  for (const a of part.applied) {
    entries.push({
      at: a.recordedAt,
      service,
      kind: a.kind === 'payment' ? 'bill.applied' : 'bill.reversal-applied',
      summary: `${amountText(a.appliedAmount)} of ${amountText(a.amount)} ${a.kind === 'payment' ? 'applied to' : 'taken back from'} bill ${a.externalBillId}${a.after ? `; bill ${a.after.status}` : ''}`,
      data: { amount: a.amount, applied: a.appliedAmount, bill: a.externalBillId, status: a.after?.status ?? null },
      ids: { paymentId, billId: a.billId, ...(a.reversalId ? { reversalId: a.reversalId } : {}) },
    });
    if (a.kind === 'payment' && a.after?.status === 'paid') {
      entries.push({
        at: a.after.at,
        service,
        kind: 'bill.settled',
        summary: `Bill ${a.externalBillId} settled (bill.settled)`,
        data: { bill: a.externalBillId, paid: a.after.paidAmount },
        ids: { paymentId, billId: a.billId },
      });
    }
  }
  for (const u of part.unapplied) {
    entries.push({
      at: u.recordedAt,
      service,
      kind: 'bill.unapplied',
      summary: `${amountText(u.amount)} not applied to bill ${u.billId}: ${u.reason}`,
      data: { amount: u.amount, reason: u.reason },
      ids: { paymentId, billId: u.billId },
    });
  }
  return entries;
}

function notificationEntries(ids: EntryIds, part: NotificationPart): TimelineEntry[] {
  const entries: TimelineEntry[] = [];
  const service = 'notification' as const;
  for (const m of part.messages) {
    const link = { ...ids, messageId: m.messageId };
    entries.push({
      at: m.createdAt,
      service,
      kind: 'sms.queued',
      summary: `SMS ${m.template} to ${m.recipient}: ${m.body}`,
      data: { template: m.template, to: m.recipient, text: m.body, state: m.state, error: m.lastError },
      ids: link,
    });
    if (m.submittedAt !== null) {
      entries.push({
        at: m.submittedAt,
        service,
        kind: 'sms.submitted',
        summary: `Submitted to the SMSC in ${m.parts.length} part(s): ${m.parts.map((p) => p.smscMessageId).join(', ')}`,
        data: { parts: String(m.parts.length), smscIds: m.parts.map((p) => p.smscMessageId).join(', ') },
        ids: link,
      });
    }
    for (const p of m.parts) {
      if (p.receipt === null) continue;
      entries.push({
        at: p.receipt.receivedAt,
        service,
        kind: 'sms.delivery-receipt',
        summary: `Delivery receipt for part ${p.seq} (${p.smscMessageId}): ${p.receipt.state}${p.receipt.errorCode ? ` (${p.receipt.errorCode})` : ''}`,
        data: { part: String(p.seq), smscId: p.smscMessageId, state: p.receipt.state, errorCode: p.receipt.errorCode },
        ids: { ...link, smscMessageId: p.smscMessageId },
      });
    }
  }
  return entries;
}

export type Parts = {
  orchestration: OrchestrationPart | null;
  billing: BillingPart | null;
  notification: NotificationPart | null;
};

/**
 * Every entry of the parts that answered, oldest first (ties keep the services' own order). `known`
 * is the payment and intent the console already knows (from orchestration, or the id asked for when
 * orchestration did not answer), so billing's and notification's entries still link.
 */
export function mergeTimeline(parts: Parts, known: { paymentId: string | null; intentId: string | null }): TimelineEntry[] {
  const ids: EntryIds = { ...(known.paymentId ? { paymentId: known.paymentId } : {}), ...(known.intentId ? { intentId: known.intentId } : {}) };
  const entries = [
    ...(parts.orchestration ? orchestrationEntries(parts.orchestration) : []),
    ...(parts.billing && known.paymentId ? billingEntries(known.paymentId, parts.billing) : []),
    ...(parts.notification ? notificationEntries(ids, parts.notification) : []),
  ];
  return entries
    .map((e, i) => ({ e, i }))
    .sort((a, b) => a.e.at.localeCompare(b.e.at) || a.i - b.i)
    .map(({ e }) => e);
}
