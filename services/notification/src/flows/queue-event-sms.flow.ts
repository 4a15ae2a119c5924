// Turns a batch of bill.*, payment.*, intent.unknown, intent.refunded and complaint.* events into queued SMS, in
// the batch's transaction (kit's batch consumer writes their inbox rows in it and hands over only the
// events not seen before). The SMS rows are written in one statement under a unique key per
// (template, source, recipient): Kafka's redelivery, a replay, or the same payment published twice
// (even twice in one batch) all make one SMS. The bill read model is upserted in one statement too.
// Sending is not done here; the dispatcher sends what this queues, so a slow or absent SMSC never
// holds back the topic (and the bill read model stays current through an SMSC outage).
import { parseEvent } from '@gateway/contracts';
import type { AnyEvent, BillSnapshot } from '@gateway/contracts';
import type { Logger } from '@gateway/kit';
import type { PoolClient } from 'pg';
import { normaliseMsisdn } from '../domain/msisdn.ts';
import { awaitsContact, planSms } from '../domain/sms-plan.ts';
import type { BillerNames, ChannelNames, ComplaintSmsEvent, PlanContext, PlannedEvent, SmsRequest } from '../domain/sms-plan.ts';
import { complaintLocalesOf, contactsOf, lockBills, parkAwaitingContact, takeAwaitingContact, upsertContacts } from '../store/pg-contact-store.ts';
import { enqueueNewSms } from '../store/pg-message-store.ts';

/** The inbox name: stays the same whatever the consumer group is called, so a renamed group never re-sends. */
export const notificationInbox = 'notification.sms';

export type QueueEventSmsPorts = {
  logger: Logger;
  channelNames: ChannelNames;
  /** Fee billers named on their orders' SMS (BILLER_NAMES_FILE); none: every bill is worded as a line. */
  billerNames?: BillerNames | undefined;
  /** Events older than this text nobody (see SMS_MAX_EVENT_AGE_MS). */
  maxEventAgeMs: number;
  now: () => Date;
};

/** How many SMS were queued, by the type of the event that called for them. */
export type QueuedByType = Map<string, number>;

function billIdsOf(event: PlannedEvent): string[] {
  switch (event.type) {
    case 'payment.completed':
    case 'payment.reversed':
      return event.payload.allocations.map((a) => a.billId);
    case 'intent.unknown':
    case 'intent.refunded':
      return event.payload.billIds;
    default:
      return [];
  }
}

function isPlanned(event: AnyEvent): event is PlannedEvent {
  switch (event.type) {
    case 'bill.issued':
    case 'bill.late-fee-applied':
    case 'bill.overdue':
    case 'bill.settled':
    case 'payment.completed':
    case 'payment.reversed':
    case 'intent.unknown':
    case 'intent.refunded':
    case 'complaint.logged':
    case 'complaint.resolved':
    case 'complaint.rejected':
      return true;
    default:
      return false;
  }
}

function isComplaint(event: PlannedEvent): event is ComplaintSmsEvent {
  return event.type.startsWith('complaint.');
}

function billSnapshotOf(event: AnyEvent): BillSnapshot | null {
  return event.type.startsWith('bill.') ? (event as Extract<AnyEvent, { type: `bill.${string}` }>).payload : null;
}

/** The latest snapshot of each bill in `events` (the first of equal revisions, as the upsert keeps the row it has). */
function latestSnapshots(events: readonly AnyEvent[]): BillSnapshot[] {
  const latest = new Map<string, BillSnapshot>();
  for (const event of events) {
    const bill = billSnapshotOf(event);
    if (bill === null) continue;
    const known = latest.get(bill.billId);
    if (known === undefined || bill.revision > known.revision) latest.set(bill.billId, bill);
  }
  return [...latest.values()];
}

/** Queues the SMS `events` call for, in `client`'s transaction; each event is new (the inbox filtered the batch). */
export async function queueEventsSms(client: PoolClient, events: readonly AnyEvent[], ports: QueueEventSmsPorts): Promise<QueuedByType> {
  // Every bill snapshot (bill.reopened too) keeps the read model current, whether or not it texts,
  // and releases the payment events that were waiting to learn whom to text (locked first: see lockBills).
  const bills = latestSnapshots(events);
  const billIds = bills.map((b) => b.billId);
  await lockBills(client, billIds);
  await upsertContacts(client, bills.map((bill) => ({ bill, msisdn: bill.holder.msisdn === null ? null : normaliseMsisdn(bill.holder.msisdn) })));
  const released = (await takeAwaitingContact(client, billIds)).map((waiting) => parseEvent(waiting)).filter(isPlanned);
  const planned = [...released, ...events.filter(isPlanned)];

  const contacts = await contactsOf(client, planned.flatMap(billIdsOf));
  const complaintLocales = await complaintLocalesOf(
    client,
    planned.filter(isComplaint).map(({ payload: p }) => ({ complaintId: p.complaintId, msisdn: normaliseMsisdn(p.msisdn), accountNo: p.accountNo })),
  );
  const ctx: PlanContext = { contacts, channelNames: ports.channelNames, billerNames: ports.billerNames ?? {}, normalise: normaliseMsisdn, complaintLocales };
  let waiting = planned.filter((event) => awaitsContact(event, ctx));
  if (waiting.length > 0) {
    // Whom to text is not known yet: look again under the bills' locks (a batch of their snapshots
    // may be committing right now), and park what still waits.
    const waitingBills = waiting.flatMap(billIdsOf);
    await lockBills(client, waitingBills);
    for (const [billId, contact] of await contactsOf(client, waitingBills)) contacts.set(billId, contact);
    waiting = waiting.filter((event) => awaitsContact(event, ctx));
    await parkAwaitingContact(client, waiting.map((event) => ({ event, billIds: billIdsOf(event) })));
  }

  const oldest = ports.now().getTime() - ports.maxEventAgeMs;
  const parked = new Set(waiting);
  const requests: { type: string; request: SmsRequest }[] = [];
  for (const event of planned) {
    if (parked.has(event)) continue;
    const all = planSms(event, ctx);
    const fresh = all.filter((r) => r.notBefore.getTime() >= oldest);
    if (fresh.length < all.length) ports.logger.info({ eventId: event.eventId, eventType: event.type, occurredAt: event.occurredAt }, 'event too old to text anyone: read model updated, no SMS');
    requests.push(...fresh.map((request) => ({ type: event.type, request })));
  }
  const inserted = await enqueueNewSms(client, requests.map((r) => r.request));
  const queued: QueuedByType = new Map();
  // Two requests of the batch with one key (the same payment under two event ids): the first is the one queued.
  for (const { type, request } of requests) if (inserted.delete(request.dedupeKey)) queued.set(type, (queued.get(type) ?? 0) + 1);
  return queued;
}
