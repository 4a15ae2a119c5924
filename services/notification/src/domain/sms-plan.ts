// Which SMS an event calls for, to whom, in which language, worded how. Pure: the consumer looks up
// the bill contacts the event names, calls this, and stores what it returns in the same transaction
// as the event's inbox row.
//
// The dedupe key is (template, business source, recipient): the payment id for a receipt, the fee id
// for a late fee, and so on. That is at least as strict as (event id, recipient, template): a
// redelivered event never sends a second SMS, and neither does the same payment re-published under a
// new event id (a replay from a DLQ, a relay that ran twice).
import { businessDateOf } from '@gateway/contracts';
import type { BusinessDate, EventOf, Money, SmsTemplate } from '@gateway/contracts';
import { isUrgent } from './quiet-hours.ts';
import { renderSms } from './sms-templates.ts';
import type { SmsLocale, SmsTemplateData } from './sms-templates.ts';

/** One row of the bill read model, as the planner needs it. */
export type BillContact = {
  billId: string;
  accountNo: string;
  msisdn: string | null;
  locale: SmsLocale;
  dueDate: BusinessDate;
  amountDue: Money;
  status: string;
};

export type SmsRequest = {
  dedupeKey: string;
  recipient: string;
  template: SmsTemplate;
  locale: SmsLocale;
  accountNo: string | null;
  sourceEventId: string | null;
  body: string;
  urgent: boolean;
  /** Earliest send time before quiet hours are applied (the dispatcher applies those when it sends). */
  notBefore: Date;
  correlationId: string | null;
};

export type ChannelNames = Record<string, { ar: string; en: string }>;

/**
 * The government fee billers (issue 16) by billerId, named in each language: a bill or payment of one
 * is worded as a fee order of that authority. A biller not listed (the telecom) keeps the line's wording.
 */
export type BillerNames = Record<string, { ar: string; en: string }>;

export type PlanContext = {
  /** The read model's rows for the bills the event names (missing ones are simply absent). */
  contacts: ReadonlyMap<string, BillContact>;
  channelNames: ChannelNames;
  billerNames: BillerNames;
  /** Turns a raw number into E.164, or null when it cannot be a mobile we can text. */
  normalise: (msisdn: string) => string | null;
  /**
   * The language of each complaint's customer, by complaint id (the flow looks it up in the bill read
   * model); Arabic when absent.
   */
  complaintLocales?: ReadonlyMap<string, SmsLocale>;
};

export type PlannedEvent = EventOf<
  | 'bill.issued'
  | 'bill.late-fee-applied'
  | 'bill.overdue'
  | 'bill.settled'
  | 'payment.completed'
  | 'payment.reversed'
  | 'intent.unknown'
  | 'intent.refunded'
  | ComplaintSmsEvent['type']
>;

/**
 * The complaint events the customer hears of: filed, resolved, rejected. Assigned and escalated are
 * the operators' business and text nobody.
 */
export type ComplaintSmsEvent = EventOf<'complaint.logged' | 'complaint.resolved' | 'complaint.rejected'>;

type Envelope = { eventId: string; correlationId: string; occurredAt: string };

/**
 * The start of every dedupe key of one business source's SMS (all its recipients): how the operators'
 * "SMS of this payment" finds a receipt by payment id, a reversal's by reversal id.
 */
export function dedupeKeyPrefix(template: SmsTemplate, source: string): string {
  return `${template}:${source}:`;
}

function request<T extends SmsTemplate>(
  event: Envelope,
  template: T,
  source: string,
  to: { recipient: string; locale: SmsLocale },
  accountNo: string | null,
  data: SmsTemplateData[T],
): SmsRequest {
  return {
    dedupeKey: `${dedupeKeyPrefix(template, source)}${to.recipient}`,
    recipient: to.recipient,
    template,
    locale: to.locale,
    accountNo,
    sourceEventId: event.eventId,
    body: renderSms(template, to.locale, data),
    urgent: isUrgent(template),
    notBefore: new Date(event.occurredAt),
    correlationId: event.correlationId,
  };
}

function holderOf(ctx: PlanContext, holder: { msisdn: string | null; locale: SmsLocale }): { recipient: string; locale: SmsLocale } | null {
  const recipient = holder.msisdn === null ? null : ctx.normalise(holder.msisdn);
  return recipient === null ? null : { recipient, locale: holder.locale };
}

/**
 * The payer when the event names one (a wallet pull knows who paid), else the contact of the first
 * bill that has one. The language is the bill holder's, Arabic when unknown.
 */
function payerOf(ctx: PlanContext, payerMsisdn: string | null, billIds: readonly string[]): { recipient: string; locale: SmsLocale } | null {
  const contact = billIds.map((id) => ctx.contacts.get(id)).find((c) => c !== undefined && c.msisdn !== null);
  const locale = contact?.locale ?? billIds.map((id) => ctx.contacts.get(id)?.locale).find((l) => l !== undefined) ?? 'ar';
  const payer = payerMsisdn === null ? null : ctx.normalise(payerMsisdn);
  if (payer !== null) return { recipient: payer, locale };
  return contact === undefined ? null : holderOf(ctx, { msisdn: contact.msisdn, locale });
}

function channelName(ctx: PlanContext, channelId: string, locale: SmsLocale): string {
  return ctx.channelNames[channelId]?.[locale] ?? channelId;
}

/** A fee biller's name in the message's language, or undefined for a biller worded as a line (the telecom). */
function feeBillerName(ctx: PlanContext, billerId: string, locale: SmsLocale): string | undefined {
  return ctx.billerNames[billerId]?.[locale];
}

function feeOrderOf(ctx: PlanContext, billerId: string, expiresAt: string | null, locale: SmsLocale): { biller: string; expiresAt: string | null } | undefined {
  const biller = feeBillerName(ctx, billerId, locale);
  return biller === undefined ? undefined : { biller, expiresAt };
}

/**
 * True when the event is about a payment whose recipient only the bill read model can tell, and the
 * model does not have any of its bills yet (the bill topic lags): the event must wait for them
 * rather than be planned as "nobody to text".
 */
export function awaitsContact(event: PlannedEvent, ctx: PlanContext): boolean {
  const waiting = (payer: string | null, billIds: readonly string[]) =>
    (payer === null || ctx.normalise(payer) === null) && !billIds.some((id) => ctx.contacts.has(id));
  switch (event.type) {
    case 'payment.completed':
    case 'payment.reversed':
      return waiting(event.payload.payerMsisdn, event.payload.allocations.map((a) => a.billId));
    case 'intent.unknown':
    case 'intent.refunded':
      return waiting(event.payload.payer.msisdn, event.payload.billIds);
    default:
      return false;
  }
}

/** What to send for `event`; empty when it calls for nothing or nobody can be reached. */
export function planSms(event: PlannedEvent, ctx: PlanContext): SmsRequest[] {
  switch (event.type) {
    case 'bill.issued': {
      const p = event.payload;
      const to = holderOf(ctx, p.holder);
      if (to === null || p.amountDue.amount === 0) return [];
      return [
        request(event, 'bill_issued', p.billId, to, p.accountNo, {
          accountNo: p.accountNo,
          amountDue: p.amountDue,
          dueDate: p.dueDate,
          feeOrder: feeOrderOf(ctx, p.billerId, p.expiresAt ?? null, to.locale),
        }),
      ];
    }
    case 'bill.late-fee-applied': {
      const p = event.payload;
      const to = holderOf(ctx, p.holder);
      if (to === null) return [];
      return [request(event, 'late_fee_applied', p.fee.feeId, to, p.accountNo, { accountNo: p.accountNo, fee: p.fee.amount, amountDue: p.amountDue })];
    }
    case 'bill.overdue': {
      const p = event.payload;
      const to = holderOf(ctx, p.holder);
      if (to === null) return [];
      return [
        request(event, 'bill_overdue', `${p.billId}:${p.overdueSince}`, to, p.accountNo, {
          accountNo: p.accountNo,
          amountDue: p.amountDue,
          suspensionDate: p.suspensionDate,
          suspensionKind: p.suspensionKind,
        }),
      ];
    }
    case 'bill.settled': {
      // The payment's receipt already thanked the payer; this one is only worth a part when it says
      // the line is coming back.
      const p = event.payload;
      const to = holderOf(ctx, p.holder);
      if (to === null || !p.restoreService) return [];
      return [request(event, 'bill_settled', `${p.billId}:${p.revision}`, to, p.accountNo, { accountNo: p.accountNo, restoreService: true })];
    }
    case 'payment.completed': {
      const p = event.payload;
      const to = payerOf(ctx, p.payerMsisdn, p.allocations.map((a) => a.billId));
      if (to === null) return [];
      return [
        request(event, 'payment_receipt', p.paymentId, to, p.accountNo, {
          accountNo: p.accountNo,
          amount: p.amount,
          receiptNo: p.receiptNo,
          channel: channelName(ctx, p.channelId, to.locale),
          biller: feeBillerName(ctx, p.billerId, to.locale),
        }),
      ];
    }
    case 'payment.reversed': {
      const p = event.payload;
      const to = payerOf(ctx, p.payerMsisdn, p.allocations.map((a) => a.billId));
      if (to === null) return [];
      return [
        request(event, 'payment_reversed', p.reversalId, to, p.accountNo, {
          accountNo: p.accountNo,
          amount: p.amount,
          receiptNo: p.receiptNo,
          biller: feeBillerName(ctx, p.billerId, to.locale),
        }),
      ];
    }
    case 'intent.unknown': {
      const p = event.payload;
      const to = payerOf(ctx, p.payer.msisdn, p.billIds);
      if (to === null) return [];
      return [request(event, 'intent_unknown', p.intentId, to, p.accountNo, { accountNo: p.accountNo, amount: p.amount })];
    }
    case 'intent.refunded': {
      const p = event.payload;
      const to = payerOf(ctx, p.payer.msisdn, p.billIds);
      if (to === null) return [];
      return [
        request(event, 'intent_refunded', p.intentId, to, p.accountNo, { accountNo: p.accountNo, amount: p.refunded, biller: feeBillerName(ctx, p.billerId, to.locale) }),
      ];
    }
    case 'complaint.logged':
    case 'complaint.resolved':
    case 'complaint.rejected':
      return planComplaintSms(event, ctx);
  }
}

/**
 * To the mobile the complaint was filed with (the customer's own case: no opt-out stops it). One SMS
 * per complaint and template, whatever the event id: a complaint is resolved or rejected only once.
 */
function planComplaintSms(event: ComplaintSmsEvent, ctx: PlanContext): SmsRequest[] {
  const p = event.payload;
  const to = holderOf(ctx, { msisdn: p.msisdn, locale: ctx.complaintLocales?.get(p.complaintId) ?? 'ar' });
  if (to === null) return [];
  switch (event.type) {
    case 'complaint.logged':
      return [request(event, 'complaint_logged', p.complaintId, to, p.accountNo, { complaintId: p.complaintId, type: p.type, dueDate: businessDateOf(p.dueBy) })];
    case 'complaint.resolved':
      return [request(event, 'complaint_resolved', p.complaintId, to, p.accountNo, { complaintId: p.complaintId, resolution: event.payload.resolution })];
    case 'complaint.rejected':
      return [request(event, 'complaint_rejected', p.complaintId, to, p.accountNo, { complaintId: p.complaintId, resolution: event.payload.resolution })];
  }
}
