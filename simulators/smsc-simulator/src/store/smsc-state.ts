// Everything the SMSC received, and its fault settings, in memory. A restart forgets every message
// (the README says so); message ids are UUIDs, so ids from before a restart are never handed out again.
//
// A concatenated message is stored part by part, as it arrives (each part is its own submit_sm with
// its own message id and receipt, as on a real SMSC), and grouped into one message for the HTTP view
// by (from, to, UDH reference, total).
import { randomUUID } from 'node:crypto';
import { addressKey } from '../domain/short-message.ts';
import type { Concatenation } from '../domain/short-message.ts';
import { applyControlUpdate, defaultControlSettings } from '../domain/faults.ts';
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
}

export interface StoredPart extends ReceivedPart {
  readonly messageId: string;
  readonly receivedAt: Date;
  deliveredAt?: Date;
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
  deliveredAt?: string;
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
  record(part: ReceivedPart): StoredPart;
  markDelivered(part: StoredPart): void;
  /** Every message, oldest first; `to` in any of the forms addressKey accepts. */
  messages(to?: string): MessageView[];
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
  };
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
  };
}

export function createSmscState(options: SmscStateOptions): SmscState {
  const random = options.random ?? Math.random;
  const clock = options.clock ?? (() => new Date());
  const newId = options.newId ?? randomUUID;
  const defaults = defaultControlSettings(options.receiptDelayMs);
  let control = defaults;
  const groups: Group[] = [];

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
    record(part) {
      const stored: StoredPart = { ...part, messageId: newId(), receivedAt: clock() };
      groupFor(part).parts.push(stored);
      return stored;
    },
    markDelivered(part) {
      part.deliveredAt = clock();
    },
    messages(to) {
      const wanted = to === undefined ? undefined : addressKey(to);
      return groups.filter((g) => wanted === undefined || addressKey(g.parts[0]!.to) === wanted).map(messageView);
    },
  };
}
