// The registry of every event type and version. `eventCatalog` names the CURRENT version of each type
// (what producers emit); `legacyEventDefinitions` keeps superseded versions that consumers must still
// parse while a migration runs (docs/design.md: a breaking change is a new version, both are consumed).
// To break a payload: add `fooV2`, point eventCatalog['x.y'] at it, and move the v1 definition into
// legacyEventDefinitions until no producer emits it.
import type { z } from 'zod';
import type { TopicName } from './topics.ts';
import * as ex from './examples.ts';
import * as bill from './payloads/bill.ts';
import * as payment from './payloads/payment.ts';
import * as intent from './payloads/intent.ts';
import * as channel from './payloads/channel.ts';
import * as notification from './payloads/notification.ts';
import * as complaint from './payloads/complaint.ts';
import * as reconciliation from './payloads/reconciliation.ts';

export type EventDefinition<
  TType extends string = string,
  TVersion extends number = number,
  TTopic extends TopicName = TopicName,
  TSchema extends z.ZodType = z.ZodType,
> = {
  readonly type: TType;
  readonly version: TVersion;
  readonly topic: TTopic;
  readonly payload: TSchema;
  readonly description: string;
  // Which payload field the Kafka key is (the aggregate id); order holds per key.
  readonly keyedBy: string;
  readonly example: z.input<TSchema>;
};

// Identity at runtime; exists so each entry keeps its literal type, version and topic.
function defineEvent<const TType extends string, const TVersion extends number, const TTopic extends TopicName, TSchema extends z.ZodType>(
  definition: EventDefinition<TType, TVersion, TTopic, TSchema>,
): EventDefinition<TType, TVersion, TTopic, TSchema> {
  return definition;
}

export const eventCatalog = {
  'bill.issued': defineEvent({
    type: 'bill.issued',
    version: 1,
    topic: 'billing.bills',
    payload: bill.billIssuedV1,
    keyedBy: 'accountNo',
    description: 'A bill was issued (imported from the telecom billing system) and can be paid.',
    example: ex.billIssuedExample,
  }),
  'bill.late-fee-applied': defineEvent({
    type: 'bill.late-fee-applied',
    version: 1,
    topic: 'billing.bills',
    payload: bill.billLateFeeAppliedV1,
    keyedBy: 'accountNo',
    description: 'A late-fee step was applied to an unpaid bill; amountDue includes it.',
    example: ex.billLateFeeAppliedExample,
  }),
  'bill.overdue': defineEvent({
    type: 'bill.overdue',
    version: 1,
    topic: 'billing.bills',
    payload: bill.billOverdueV1,
    keyedBy: 'accountNo',
    description: 'A bill passed its due date unpaid; carries the date the line will be suspended.',
    example: ex.billOverdueExample,
  }),
  'bill.settled': defineEvent({
    type: 'bill.settled',
    version: 1,
    topic: 'billing.bills',
    payload: bill.billSettledV1,
    keyedBy: 'accountNo',
    description:
      'A bill is fully paid; the telecom billing system restores a suspended line on it. A government fee order is paid when its bill ' +
      'is settled: the issuing authority (e.g. civil-registry) consumes this event for its own billerId (filtered on payload.billerId; ' +
      'payload.accountNo is the orderRef) to issue the document, reading billing.bills as its own Kafka principal in consumer groups of its prefix.',
    example: ex.billSettledExample,
  }),
  'bill.reopened': defineEvent({
    type: 'bill.reopened',
    version: 1,
    topic: 'billing.bills',
    payload: bill.billReopenedV1,
    keyedBy: 'accountNo',
    description: 'A reversal took back a payment and the bill is payable again, its history intact.',
    example: ex.billReopenedExample,
  }),
  'payment.completed': defineEvent({
    type: 'payment.completed',
    version: 1,
    topic: 'payments.payments',
    payload: payment.paymentCompletedV1,
    keyedBy: 'accountNo',
    description: 'A payment reached the biller and was allocated to bills (channel- or gateway-initiated).',
    example: ex.paymentCompletedExample,
  }),
  'payment.reversed': defineEvent({
    type: 'payment.reversed',
    version: 1,
    topic: 'payments.payments',
    payload: payment.paymentReversedV1,
    keyedBy: 'accountNo',
    description: 'A payment was reversed before the settlement cut-off; its allocations are undone.',
    example: ex.paymentReversedExample,
  }),
  'intent.created': defineEvent({
    type: 'intent.created',
    version: 1,
    topic: 'payments.intents',
    payload: intent.intentCreatedV1,
    keyedBy: 'intentId',
    description: 'A gateway-initiated payment intent was created and its debit requested.',
    example: ex.intentCreatedExample,
  }),
  'intent.requires-confirmation': defineEvent({
    type: 'intent.requires-confirmation',
    version: 1,
    topic: 'payments.intents',
    payload: intent.intentRequiresConfirmationV1,
    keyedBy: 'intentId',
    description: 'The channel asks the payer for an OTP before debiting.',
    example: ex.intentRequiresConfirmationExample,
  }),
  'intent.succeeded': defineEvent({
    type: 'intent.succeeded',
    version: 1,
    topic: 'payments.intents',
    payload: intent.intentSucceededV1,
    keyedBy: 'intentId',
    description: 'The channel debited the payer; the payment exists (payment.completed follows).',
    example: ex.intentSucceededExample,
  }),
  'intent.failed': defineEvent({
    type: 'intent.failed',
    version: 1,
    topic: 'payments.intents',
    payload: intent.intentFailedV1,
    keyedBy: 'intentId',
    description: 'The intent failed with no money moved (declined, insufficient funds, expired, channel unavailable).',
    example: ex.intentFailedExample,
  }),
  'intent.canceled': defineEvent({
    type: 'intent.canceled',
    version: 1,
    topic: 'payments.intents',
    payload: intent.intentCanceledV1,
    keyedBy: 'intentId',
    description: 'The client canceled the intent before it succeeded.',
    example: ex.intentCanceledExample,
  }),
  'intent.unknown': defineEvent({
    type: 'intent.unknown',
    version: 1,
    topic: 'payments.intents',
    payload: intent.intentUnknownV1,
    keyedBy: 'intentId',
    description: 'The channel did not answer in time; the outcome is being resolved by status inquiry. Do not pay again.',
    example: ex.intentUnknownExample,
  }),
  'intent.reconciliation-required': defineEvent({
    type: 'intent.reconciliation-required',
    version: 1,
    topic: 'payments.intents',
    payload: intent.intentReconciliationRequiredV1,
    keyedBy: 'intentId',
    description: 'The outcome could not be resolved within expiry plus grace; the intent is in the reconciliation queue.',
    example: ex.intentReconciliationRequiredExample,
  }),
  'intent.refunded': defineEvent({
    type: 'intent.refunded',
    version: 1,
    topic: 'payments.intents',
    payload: intent.intentRefundedV1,
    keyedBy: 'intentId',
    description: 'A debit that bought nothing (its payment was refused: the bill was paid another way) was given back to the payer by the channel.',
    example: ex.intentRefundedExample,
  }),
  'channel.debit-requested': defineEvent({
    type: 'channel.debit-requested',
    version: 1,
    topic: 'channels.commands',
    payload: channel.channelDebitRequestedV1,
    keyedBy: 'intentId',
    description: 'Command: debit the payer through the channel, quoting our reference.',
    example: ex.channelDebitRequestedExample,
  }),
  'channel.otp-submitted': defineEvent({
    type: 'channel.otp-submitted',
    version: 1,
    topic: 'channels.commands',
    payload: channel.channelOtpSubmittedV1,
    keyedBy: 'intentId',
    description: 'Command: forward the OTP the payer entered. Carries a secret: never log the payload.',
    example: ex.channelOtpSubmittedExample,
  }),
  'channel.status-requested': defineEvent({
    type: 'channel.status-requested',
    version: 1,
    topic: 'channels.commands',
    payload: channel.channelStatusRequestedV1,
    keyedBy: 'intentId',
    description: 'Command: ask the channel for the status of a debit whose outcome is unknown.',
    example: ex.channelStatusRequestedExample,
  }),
  'channel.debit-succeeded': defineEvent({
    type: 'channel.debit-succeeded',
    version: 1,
    topic: 'channels.results',
    payload: channel.channelDebitSucceededV1,
    keyedBy: 'intentId',
    description: 'The channel debited the payer.',
    example: ex.channelDebitSucceededExample,
  }),
  'channel.debit-failed': defineEvent({
    type: 'channel.debit-failed',
    version: 1,
    topic: 'channels.results',
    payload: channel.channelDebitFailedV1,
    keyedBy: 'intentId',
    description: 'The debit failed and the adapter knows no money moved.',
    example: ex.channelDebitFailedExample,
  }),
  'channel.otp-required': defineEvent({
    type: 'channel.otp-required',
    version: 1,
    topic: 'channels.results',
    payload: channel.channelOtpRequiredV1,
    keyedBy: 'intentId',
    description: 'The channel sent the payer an OTP (again, when the last one was wrong).',
    example: ex.channelOtpRequiredExample,
  }),
  'channel.debit-unknown': defineEvent({
    type: 'channel.debit-unknown',
    version: 1,
    topic: 'channels.results',
    payload: channel.channelDebitUnknownV1,
    keyedBy: 'intentId',
    description: 'The outcome is unknown (timeout or 5xx after sending); resolving, or exhausted for reconciliation.',
    example: ex.channelDebitUnknownExample,
  }),
  'channel.refund-requested': defineEvent({
    type: 'channel.refund-requested',
    version: 1,
    topic: 'channels.commands',
    payload: channel.channelRefundRequestedV1,
    keyedBy: 'intentId',
    description: 'Command: give a debit that bought nothing back to the payer (the connector reverses it at the channel).',
    example: ex.channelRefundRequestedExample,
  }),
  'channel.refund-succeeded': defineEvent({
    type: 'channel.refund-succeeded',
    version: 1,
    topic: 'channels.results',
    payload: channel.channelRefundSucceededV1,
    keyedBy: 'intentId',
    description: 'The channel reversed the debit: the payer has the money back.',
    example: ex.channelRefundSucceededExample,
  }),
  'channel.refund-failed': defineEvent({
    type: 'channel.refund-failed',
    version: 1,
    topic: 'channels.results',
    payload: channel.channelRefundFailedV1,
    keyedBy: 'intentId',
    description: 'The channel refused to reverse the debit; a person must settle it (reconciliation queue).',
    example: ex.channelRefundFailedExample,
  }),
  'channel.refund-unknown': defineEvent({
    type: 'channel.refund-unknown',
    version: 1,
    topic: 'channels.results',
    payload: channel.channelRefundUnknownV1,
    keyedBy: 'intentId',
    description: 'The reversal got no answer; resolving by status inquiry, or exhausted for reconciliation.',
    example: ex.channelRefundUnknownExample,
  }),
  'channel.health-changed': defineEvent({
    type: 'channel.health-changed',
    version: 1,
    topic: 'channels.results',
    payload: channel.channelHealthChangedV1,
    keyedBy: 'channelId',
    description: "A channel's circuit breaker changed state (or an operator forced it off or on).",
    example: ex.channelHealthChangedExample,
  }),
  'channel.health-reported': defineEvent({
    type: 'channel.health-reported',
    version: 1,
    topic: 'channels.results',
    payload: channel.channelHealthReportedV1,
    keyedBy: 'channelId',
    description: "A channel's state as callers see it, reported for every channel at the adapter's start and periodically (CHANNEL_HEALTH_INTERVAL, 30 s); a state not reported again for three periods is unknown.",
    example: ex.channelHealthReportedExample,
  }),
  'channel.settlement-file-fetched': defineEvent({
    type: 'channel.settlement-file-fetched',
    version: 1,
    topic: 'channels.results',
    payload: channel.channelSettlementFileFetchedV1,
    keyedBy: 'channelId',
    description: "A channel's daily settlement statement was fetched and stored (or a corrected one replaced it); rows are fetched from `location`.",
    example: ex.channelSettlementFileFetchedExample,
  }),
  'notification.sms-sent': defineEvent({
    type: 'notification.sms-sent',
    version: 1,
    topic: 'notifications.deliveries',
    payload: notification.notificationSmsSentV1,
    keyedBy: 'messageId',
    description: 'The SMSC accepted an SMS (all its segments).',
    example: ex.notificationSmsSentExample,
  }),
  'notification.sms-delivered': defineEvent({
    type: 'notification.sms-delivered',
    version: 1,
    topic: 'notifications.deliveries',
    payload: notification.notificationSmsDeliveredV1,
    keyedBy: 'messageId',
    description: 'A delivery receipt confirmed the SMS reached the handset.',
    example: ex.notificationSmsDeliveredExample,
  }),
  'notification.sms-failed': defineEvent({
    type: 'notification.sms-failed',
    version: 1,
    topic: 'notifications.deliveries',
    payload: notification.notificationSmsFailedV1,
    keyedBy: 'messageId',
    description: 'The SMS was refused, failed or expired.',
    example: ex.notificationSmsFailedExample,
  }),
  'complaint.logged': defineEvent({
    type: 'complaint.logged',
    version: 1,
    topic: 'payments.complaints',
    payload: complaint.complaintLoggedV1,
    keyedBy: 'complaintId',
    description: 'A channel or the portal filed a complaint for a customer; dueBy is its turnaround clock.',
    example: ex.complaintLoggedExample,
  }),
  'complaint.resolved': defineEvent({
    type: 'complaint.resolved',
    version: 1,
    topic: 'payments.complaints',
    payload: complaint.complaintResolvedV1,
    keyedBy: 'complaintId',
    description: 'A complaint was resolved, by its automatic first check or by an operator; the customer is told.',
    example: ex.complaintResolvedExample,
  }),
  'complaint.assigned': defineEvent({
    type: 'complaint.assigned',
    version: 1,
    topic: 'payments.complaints',
    payload: complaint.complaintAssignedV1,
    keyedBy: 'complaintId',
    description: 'An operator took a complaint from the queue.',
    example: ex.complaintAssignedExample,
  }),
  'complaint.escalated': defineEvent({
    type: 'complaint.escalated',
    version: 1,
    topic: 'payments.complaints',
    payload: complaint.complaintEscalatedV1,
    keyedBy: 'complaintId',
    description: 'A complaint was escalated: its turnaround clock ran out unresolved, or an operator escalated it.',
    example: ex.complaintEscalatedExample,
  }),
  'complaint.rejected': defineEvent({
    type: 'complaint.rejected',
    version: 1,
    topic: 'payments.complaints',
    payload: complaint.complaintRejectedV1,
    keyedBy: 'complaintId',
    description: 'An operator rejected a complaint with the reason; the customer is told.',
    example: ex.complaintRejectedExample,
  }),
  'reconciliation.file-missing': defineEvent({
    type: 'reconciliation.file-missing',
    version: 1,
    topic: 'payments.reconciliations',
    payload: reconciliation.reconciliationFileMissingV1,
    keyedBy: 'channelId',
    description: 'Alert: no settlement file of the channel for the business date was matched by its deadline; raised once per channel and day.',
    example: ex.reconciliationFileMissingExample,
  }),
} as const;

// Superseded versions still parsed during a migration. Empty while every type is at version 1.
export const legacyEventDefinitions = [] as const;

export type EventType = keyof typeof eventCatalog;
export type CurrentEventDefinition = (typeof eventCatalog)[EventType];
// While there are no legacy versions the second member is `never`; it is kept so that adding one
// needs no change here.
// eslint-disable-next-line @typescript-eslint/no-redundant-type-constituents
export type AnyEventDefinition = CurrentEventDefinition | (typeof legacyEventDefinitions)[number];

export type EventVersion<T extends EventType> = Extract<AnyEventDefinition, { type: T }>['version'];
export type LatestEventVersion<T extends EventType> = (typeof eventCatalog)[T]['version'];
export type EventDefinitionOf<T extends EventType, V extends number = LatestEventVersion<T>> = Extract<
  AnyEventDefinition,
  { type: T; version: V }
>;

export const eventTypes = Object.keys(eventCatalog) as EventType[];

// Every parseable (type, version), current first.
export const eventDefinitions: readonly AnyEventDefinition[] = [
  ...Object.values(eventCatalog),
  ...(legacyEventDefinitions as readonly AnyEventDefinition[]),
];

const registry = new Map<string, AnyEventDefinition>(eventDefinitions.map((d) => [`${d.type}@${d.version}`, d]));

export function isEventType(value: unknown): value is EventType {
  return typeof value === 'string' && Object.hasOwn(eventCatalog, value);
}

// The definition for a type and version, or undefined when this build does not know it (a newer
// producer): the consumer dead-letters such a message rather than guessing.
export function findEventDefinition(type: string, version: number): AnyEventDefinition | undefined {
  return registry.get(`${type}@${version}`);
}

export function eventTopicOf(type: EventType): TopicName {
  return eventCatalog[type].topic;
}

// The types a consumer of a topic may see, e.g. to assert a handler covers them all.
export function eventTypesOnTopic(topic: TopicName): EventType[] {
  return eventTypes.filter((t) => eventCatalog[t].topic === topic);
}
