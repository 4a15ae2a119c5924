// Splitting a text into SMS parts for SMPP `submit_sm`, and putting parts back together (the SMSC
// simulator and the tests do; so does the handset). A concatenated part carries a 6-octet user data
// header (UDH): IEI 0x00 (concatenation, 8-bit reference), length 3, reference, total, sequence.
//
// Limits, in the units `smsUnitCount` counts:
// - GSM 7-bit: 160 septets in one part; 153 per part when concatenated (6 UDH octets + 1 fill bit
//   = 7 septets of the 140-octet air-interface payload). We send septets unpacked (one per octet,
//   see sms-encoding.ts), so a part's payload is at most 153 octets and the SMSC packs it.
// - UCS-2: 70 code units in one part; 67 when concatenated (6 + 134 octets = 140).
// A GSM escape pair (ESC + code) or a UTF-16 surrogate pair is never split across parts: the half
// left behind would decode as garbage on the handset.
import { chooseEncoding, dataCodings, decodeText, encodeText, encodingOfDataCoding, gsmSeptetsOf } from './sms-encoding.ts';
import type { DataCoding, SmsEncoding } from './sms-encoding.ts';

export const segmentLimits = {
  gsm7: { single: 160, multi: 153 },
  ucs2: { single: 70, multi: 67 },
} as const satisfies Record<SmsEncoding, { single: number; multi: number }>;

/** SMPP esm_class bit 6: the short_message starts with a user data header. */
export const esmClassUdhi = 0x40;
/** Octets of the concatenation UDH with an 8-bit reference (UDHL included). */
export const concatUdhLength = 6;
/** An 8-bit total allows no more than 255 parts. */
export const maxParts = 255;

export type ConcatInfo = { reference: number; total: number; seq: number };

export type SmsPart = {
  encoding: SmsEncoding;
  dataCoding: DataCoding;
  /** 0x40 (UDHI) for a concatenated part, 0x00 for a single-part message. */
  esmClass: number;
  /** The UDH, UDHL octet included; empty for a single-part message. */
  udh: Uint8Array;
  /** The encoded text of this part, without the UDH. */
  payload: Uint8Array;
  concat: ConcatInfo | null;
};

export type SplitSms = {
  encoding: SmsEncoding;
  dataCoding: DataCoding;
  /** Length of the whole text in septets (GSM) or UTF-16 code units (UCS-2). */
  units: number;
  parts: SmsPart[];
};

export class SmsTooLongError extends RangeError {
  constructor(parts: number) {
    super(`the text needs ${parts} SMS parts; at most ${maxParts} can be concatenated`);
    this.name = 'SmsTooLongError';
  }
}

export class SmsReassemblyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SmsReassemblyError';
  }
}

/** The bytes of SMPP `short_message`: UDH (if any) followed by the payload. */
export function shortMessageOf(part: SmsPart): Uint8Array {
  const out = new Uint8Array(part.udh.length + part.payload.length);
  out.set(part.udh, 0);
  out.set(part.payload, part.udh.length);
  return out;
}

/**
 * A concatenation reference derived from our message id (FNV-1a, low 8 bits). Deterministic on
 * purpose: a message re-submitted after a dropped SMPP connection keeps its reference, so the
 * handset merges the resent parts with those it already has instead of showing two broken messages.
 */
export function concatReferenceOf(messageId: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < messageId.length; i++) {
    hash ^= messageId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash & 0xff;
}

type Atom = { start: number; end: number; cost: number };

// The indivisible pieces of the text with their cost in limit units: a GSM character (an extension
// character costs 2 septets), or a UTF-16 code unit, where a surrogate pair is one piece of cost 2.
function atomsOf(text: string, encoding: SmsEncoding): Atom[] {
  const atoms: Atom[] = [];
  for (let i = 0; i < text.length; ) {
    if (encoding === 'gsm7') {
      atoms.push({ start: i, end: i + 1, cost: gsmSeptetsOf(text.charAt(i)) ?? 1 });
      i += 1;
      continue;
    }
    const unit = text.charCodeAt(i);
    const next = text.charCodeAt(i + 1);
    const pair = unit >= 0xd800 && unit <= 0xdbff && next >= 0xdc00 && next <= 0xdfff;
    atoms.push({ start: i, end: i + (pair ? 2 : 1), cost: pair ? 2 : 1 });
    i += pair ? 2 : 1;
  }
  return atoms;
}

/**
 * Splits a text into SMPP parts in the cheapest encoding that holds it. Greedy filling gives the
 * fewest parts possible for contiguous pieces; a part ends early by one unit only where the next
 * piece is a pair that would straddle the limit.
 *
 * `reference` is the 8-bit concatenation reference (see `concatReferenceOf`); it must differ between
 * long messages sent to the same handset at the same time, and is ignored for a single part.
 */
export function splitSms(text: string, reference: number): SplitSms {
  if (!Number.isInteger(reference) || reference < 0 || reference > 0xff) {
    throw new RangeError(`concatenation reference ${reference} must be an integer 0..255`);
  }
  const encoding = chooseEncoding(text);
  const dataCoding = dataCodings[encoding];
  const atoms = atomsOf(text, encoding);
  const units = atoms.reduce((sum, a) => sum + a.cost, 0);
  const limits = segmentLimits[encoding];

  if (units <= limits.single) {
    const part: SmsPart = { encoding, dataCoding, esmClass: 0, udh: new Uint8Array(0), payload: encodeText(text, encoding), concat: null };
    return { encoding, dataCoding, units, parts: [part] };
  }

  const ranges: { start: number; end: number }[] = [];
  let current: { start: number; end: number; cost: number } | null = null;
  for (const atom of atoms) {
    if (current === null || current.cost + atom.cost > limits.multi) {
      current = { start: atom.start, end: atom.end, cost: atom.cost };
      ranges.push(current);
    } else {
      current.end = atom.end;
      current.cost += atom.cost;
    }
  }
  const total = ranges.length;
  if (total > maxParts) throw new SmsTooLongError(total);

  const parts = ranges.map((range, index): SmsPart => {
    const seq = index + 1;
    return {
      encoding,
      dataCoding,
      esmClass: esmClassUdhi,
      udh: Uint8Array.of(0x05, 0x00, 0x03, reference, total, seq),
      payload: encodeText(text.slice(range.start, range.end), encoding),
      concat: { reference, total, seq },
    };
  });
  return { encoding, dataCoding, units, parts };
}

/**
 * Reads an SMPP `short_message` as a part: with UDHI set in `esm_class` it takes the UDH off the
 * front and finds the concatenation element (IEI 0x00, 8-bit reference, or 0x08, 16-bit reference,
 * which other senders use). Used by the SMSC simulator for what it receives.
 */
export function parseShortMessage(shortMessage: Uint8Array, esmClass: number, dataCoding: number): SmsPart {
  const encoding = encodingOfDataCoding(dataCoding);
  const coding = dataCodings[encoding];
  if ((esmClass & esmClassUdhi) === 0) {
    return { encoding, dataCoding: coding, esmClass, udh: new Uint8Array(0), payload: shortMessage.slice(), concat: null };
  }
  const udhl = shortMessage[0];
  if (udhl === undefined || shortMessage.length < 1 + udhl) throw new SmsReassemblyError('UDHI is set but the user data header is truncated');
  const udh = shortMessage.slice(0, 1 + udhl);
  let concat: ConcatInfo | null = null;
  for (let i = 1; i + 1 < udh.length; ) {
    const iei = udh[i] as number;
    const len = udh[i + 1] as number;
    const data = udh.subarray(i + 2, i + 2 + len);
    if (data.length !== len) throw new SmsReassemblyError(`information element 0x${iei.toString(16)} overruns the user data header`);
    if (iei === 0x00 && len === 3) concat = { reference: data[0] as number, total: data[1] as number, seq: data[2] as number };
    if (iei === 0x08 && len === 4) concat = { reference: ((data[0] as number) << 8) | (data[1] as number), total: data[2] as number, seq: data[3] as number };
    i += 2 + len;
  }
  return { encoding, dataCoding: coding, esmClass, udh, payload: shortMessage.slice(1 + udhl), concat };
}

/**
 * The text of a message from its parts, in any order. Refuses (rather than guessing) parts of
 * different messages, a missing or repeated part, or mixed encodings.
 */
export function reassemble(parts: readonly SmsPart[]): string {
  const first = parts[0];
  if (first === undefined) throw new SmsReassemblyError('no parts to reassemble');
  if (first.concat === null) {
    if (parts.length !== 1) throw new SmsReassemblyError('a part without a concatenation header must be the only part');
    return decodeText(first.payload, first.dataCoding);
  }
  const { reference, total } = first.concat;
  const bySeq = new Map<number, SmsPart>();
  for (const part of parts) {
    const c = part.concat;
    if (c === null || c.reference !== reference || c.total !== total) {
      throw new SmsReassemblyError(`parts of different messages (reference ${reference}, ${total} parts expected)`);
    }
    if (part.dataCoding !== first.dataCoding) throw new SmsReassemblyError('parts of one message use different data codings');
    if (c.seq < 1 || c.seq > total) throw new SmsReassemblyError(`part ${c.seq} is outside 1..${total}`);
    if (bySeq.has(c.seq)) throw new SmsReassemblyError(`part ${c.seq} of ${total} appears twice`);
    bySeq.set(c.seq, part);
  }
  let text = '';
  for (let seq = 1; seq <= total; seq++) {
    const part = bySeq.get(seq);
    if (part === undefined) throw new SmsReassemblyError(`part ${seq} of ${total} is missing`);
    text += decodeText(part.payload, part.dataCoding);
  }
  return text;
}
