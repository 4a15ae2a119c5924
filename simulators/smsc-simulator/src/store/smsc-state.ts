// Everything the SMSC received, and its fault settings, in memory. A restart forgets every message
// (the README says so); message ids are UUIDs, so ids from before a restart are never handed out again.
//
// A concatenated message is stored part by part, as it arrives (each part is its own submit_sm with
// its own message id and receipt, as on a real SMSC), and grouped into one message for the HTTP view
// by (from, to, UDH reference, total).
//
// The counters (GET /stats) are what a test holds an ESME to: how many submits came, how many were
// throttled, and the most that ever arrived in one trailing second (the licence cap must never be
// exceeded by a well-behaved ESME, throttled or not).
import { randomUUID } from 'node:crypto';
import { addressKey } from '../domain/short-message.ts';
import type { Concatenation, DeliveryOutcome } from '../domain/short-message.ts';
import { applyControlUpdate, createSecondWindow, defaultControlSettings } from '../domain/faults.ts';
import type { ControlSettings, ControlUpdate, RandomSource } from '../domain/faults.ts';

export interface ReceivedPart {
  readonly from: string;
  readonly to: string;
  readonly esmClass: number;
  readonly dataCoding: number;
  readonly registeredDelivery: number;
  readonly bytes: Buffer;
  readonly text: string;
  readonly concatenation?: Concatenation;
  /** The bound system_id that submitted it: references are deduplicated per ESME. */
  readonly systemId?: string;
  /** The ESME's own reference of the part (vendor TLV gateway_message_ref), when it sent one. */
  readonly esmeReference?: string;
}

/** pending until the SMSC tried to deliver it, then what became of it. */
export type PartState = 'pending' | DeliveryOutcome;

export interface StoredPart extends ReceivedPart {
  readonly messageId: string;
  readonly receivedAt: Date;
  state: PartState;
  /** When its receipt was generated (never set when no receipt was asked for). */
  deliveredAt?: Date;
}

export interface SmscStats {
  /** submit_sm PDUs from bound ESMEs, whatever their answer. */
  submits: number;
  /** Parts stored as new messages. */
  accepted: number;
  /** Answered ESME_RTHROTTLED (the throttle switch or the maxSubmitsPerSecond cap). */
  throttled: number;
  /** Answered with the message id of an earlier submit carrying the same ESME reference. */
  duplicatesAnswered: number;
  /** Delivery receipts sent as deliver_sm, resends included. */
  receiptsSent: number;
  /** The most submit_sm that arrived within one trailing second since the start (or the last reset). */
  peakSubmitsPerSecond: number;
  /** Binds accepted: an ESME that re-binds after a dropped or hung link shows here. */
  binds: number;
  /**
   * submit_sm_resp never sent because the session was gone when it was due (responseDelayMs, then a
   * dropped connection): a message stored whose id the ESME never heard.
   */
  submitResponsesLost: number;
  /** Requests read and never answered because the silent fault was on (binds and enquire_link included). */
  requestsUnanswered: number;
}

export interface PartView {
  messageId: string;
  part: number;
  total: number;
  reference?: number;
  esmClass: number;
  udh: boolean;
  dataCoding: number;
  shortMessage: string;
  text: string;
  receivedAt: string;
  /** When its receipt was generated. */
  deliveredAt?: string;
  state: PartState;
  /** The ESME's reference (gateway_message_ref), when it sent one. */
  esmeReference?: string;
}

export interface MessageView {
  /** The first part's id (every part's is in `parts`). */
  messageId: string;
  from: string;
  to: string;
  /** The parts' texts in part order: the reassembled message. */
  text: string;
  /** False while some part of a concatenated message has not arrived. */
  complete: boolean;
  parts: PartView[];
  dataCoding: number;
  receivedAt: string;
  /** When the last part was delivered (its receipt generated). */
  deliveredAt?: string;
  /** pending while a part is missing or not yet tried; undeliverable if any part is; else delivered. */
  state: PartState;
}

/** One stored part in arrival order, for a reader that pages through everything (GET /parts). */
export interface PartEntry {
  /** Its position in arrival order, from 1: what `after` pages on. */
  seq: number;
  messageId: string;
  to: string;
  receivedAt: string;
  esmeReference?: string;
  systemId?: string;
}

interface Group {
  readonly key?: string;
  readonly parts: StoredPart[];
}

export interface SmscState {
  readonly random: RandomSource;
  control(): ControlSettings;
  updateControl(update: ControlUpdate): ControlSettings;
  resetControl(): ControlSettings;
  /**
   * Counts a submit_sm from a bound ESME and decides whether it gets through: false when the throttle
   * switch is on or the licence cap is already used up in the trailing second (counted as throttled).
   */
  admitSubmit(): boolean;
  record(part: ReceivedPart): StoredPart;
  /** The part an ESME already submitted under this reference, if any. */
  findByEsmeReference(systemId: string, esmeReference: string): StoredPart | undefined;
  countDuplicateAnswered(): void;
  countReceiptSent(): void;
  countBind(): void;
  countSubmitResponseLost(): void;
  countRequestUnanswered(): void;
  /** The delivery attempt happened; `receipt` when a receipt was generated for it. */
  settle(part: StoredPart, outcome: DeliveryOutcome, receipt: boolean): void;
  /** Whether the undeliverable fault names this address (in any of the forms addressKey accepts). */
  isUndeliverable(to: string): boolean;
  stats(): SmscStats;
  resetStats(): SmscStats;
  /** Every message, oldest first; `to` in any of the forms addressKey accepts. */
  messages(to?: string): MessageView[];
  /** The parts stored after the `after`-th, oldest first, at most `limit`; `total` is how many are stored. */
  parts(after: number, limit: number): { parts: PartEntry[]; total: number };
}

export interface SmscStateOptions {
  receiptDelayMs: number;
  random?: RandomSource;
  clock?: () => Date;
  newId?: () => string;
}

function groupKey(part: ReceivedPart): string | undefined {
  const c = part.concatenation;
  return c === undefined ? undefined : `${addressKey(part.from)}|${addressKey(part.to)}|${c.reference}|${c.total}`;
}

function partView(part: StoredPart): PartView {
  return {
    messageId: part.messageId,
    part: part.concatenation?.part ?? 1,
    total: part.concatenation?.total ?? 1,
    ...(part.concatenation === undefined ? {} : { reference: part.concatenation.reference }),
    esmClass: part.esmClass,
    udh: (part.esmClass & 0x40) !== 0,
    dataCoding: part.dataCoding,
    shortMessage: part.bytes.toString('hex'),
    text: part.text,
    receivedAt: part.receivedAt.toISOString(),
    ...(part.deliveredAt === undefined ? {} : { deliveredAt: part.deliveredAt.toISOString() }),
    state: part.state,
    ...(part.esmeReference === undefined ? {} : { esmeReference: part.esmeReference }),
  };
}

function messageState(parts: readonly StoredPart[], complete: boolean): PartState {
  if (!complete || parts.some((p) => p.state === 'pending')) return 'pending';
  return parts.some((p) => p.state === 'undeliverable') ? 'undeliverable' : 'delivered';
}

function messageView(group: Group): MessageView {
  const parts = [...group.parts].sort((a, b) => (a.concatenation?.part ?? 1) - (b.concatenation?.part ?? 1));
  const first = parts[0]!;
  const total = first.concatenation?.total ?? 1;
  const complete = parts.length === total;
  const delivered = parts.map((p) => p.deliveredAt);
  const lastDelivered = complete && delivered.every((d) => d !== undefined) ? new Date(Math.max(...delivered.map((d) => d.getTime()))) : undefined;
  return {
    messageId: group.parts[0]!.messageId,
    from: first.from,
    to: first.to,
    text: parts.map((p) => p.text).join(''),
    complete,
    parts: parts.map(partView),
    dataCoding: first.dataCoding,
    receivedAt: group.parts[0]!.receivedAt.toISOString(),
    ...(lastDelivered === undefined ? {} : { deliveredAt: lastDelivered.toISOString() }),
    state: messageState(parts, complete),
  };
}

function zeroStats(): SmscStats {
  return { submits: 0, accepted: 0, throttled: 0, duplicatesAnswered: 0, receiptsSent: 0, peakSubmitsPerSecond: 0, binds: 0, submitResponsesLost: 0, requestsUnanswered: 0 };
}

export function createSmscState(options: SmscStateOptions): SmscState {
  const random = options.random ?? Math.random;
  const clock = options.clock ?? (() => new Date());
  const newId = options.newId ?? randomUUID;
  const defaults = defaultControlSettings(options.receiptDelayMs);
  let control = defaults;
  const groups: Group[] = [];
  // Every stored part in arrival order: a checker reads only the ones it has not seen yet.
  const arrived: StoredPart[] = [];
  const byEsmeReference = new Map<string, StoredPart>();
  let stats = zeroStats();
  let arrivals = createSecondWindow();
  // Only admitted submits use up the licence: an ESME that backs off after a throttle gets through again.
  let admitted = createSecondWindow();
  const referenceKey = (systemId: string, esmeReference: string): string => `${systemId}\u0000${esmeReference}`;

  function groupFor(part: ReceivedPart): Group {
    const key = groupKey(part);
    if (key !== undefined) {
      // The latest unfinished group with that key and no part in this position; UDH references are
      // 8-bit and wrap, so a finished group never takes new parts.
      for (let i = groups.length - 1; i >= 0; i--) {
        const group = groups[i]!;
        if (group.key !== key) continue;
        const taken = group.parts.some((p) => p.concatenation?.part === part.concatenation?.part);
        if (!taken && group.parts.length < (part.concatenation?.total ?? 1)) return group;
        break;
      }
    }
    const group: Group = key === undefined ? { parts: [] } : { key, parts: [] };
    groups.push(group);
    return group;
  }

  return {
    random,
    control: () => control,
    updateControl(update) {
      control = applyControlUpdate(control, update);
      return control;
    },
    resetControl() {
      control = defaults;
      return control;
    },
    admitSubmit() {
      const now = clock().getTime();
      stats.submits++;
      arrivals.add(now);
      stats.peakSubmitsPerSecond = Math.max(stats.peakSubmitsPerSecond, arrivals.count(now));
      const overCap = control.maxSubmitsPerSecond > 0 && admitted.count(now) >= control.maxSubmitsPerSecond;
      if (control.throttle || overCap) {
        stats.throttled++;
        return false;
      }
      admitted.add(now);
      return true;
    },
    record(part) {
      const stored: StoredPart = { ...part, messageId: newId(), receivedAt: clock(), state: 'pending' };
      groupFor(part).parts.push(stored);
      arrived.push(stored);
      stats.accepted++;
      if (part.systemId !== undefined && part.esmeReference !== undefined) byEsmeReference.set(referenceKey(part.systemId, part.esmeReference), stored);
      return stored;
    },
    findByEsmeReference(systemId, esmeReference) {
      return byEsmeReference.get(referenceKey(systemId, esmeReference));
    },
    countDuplicateAnswered() {
      stats.duplicatesAnswered++;
    },
    countReceiptSent() {
      stats.receiptsSent++;
    },
    countBind() {
      stats.binds++;
    },
    countSubmitResponseLost() {
      stats.submitResponsesLost++;
    },
    countRequestUnanswered() {
      stats.requestsUnanswered++;
    },
    settle(part, outcome, receipt) {
      part.state = outcome;
      if (receipt) part.deliveredAt = clock();
    },
    isUndeliverable(to) {
      const key = addressKey(to);
      return control.undeliverable.some((address) => addressKey(address) === key);
    },
    stats: () => ({ ...stats }),
    resetStats() {
      stats = zeroStats();
      arrivals = createSecondWindow();
      admitted = createSecondWindow();
      return { ...stats };
    },
    messages(to) {
      const wanted = to === undefined ? undefined : addressKey(to);
      return groups.filter((g) => wanted === undefined || addressKey(g.parts[0]!.to) === wanted).map(messageView);
    },
    parts(after, limit) {
      const parts = arrived.slice(after, after + limit).map((p, i) => ({
        seq: after + i + 1,
        messageId: p.messageId,
        to: p.to,
        receivedAt: p.receivedAt.toISOString(),
        ...(p.esmeReference === undefined ? {} : { esmeReference: p.esmeReference }),
        ...(p.systemId === undefined ? {} : { systemId: p.systemId }),
      }));
      return { parts, total: arrived.length };
    },
  };
}
