// What the SMSC makes of a short_message: its text, its bytes and, for one part of a concatenated
// message, the UDH reference/part/total that lets GET /messages show the reassembled text.
//
// The smpp library decodes short_message as it parses the PDU (data_coding 0 → GSM 03.38 default
// alphabet, one septet per octet as SMPP carries it; 8 → UCS-2 big-endian) and splits off the UDH
// when esm_class has the UDHI bit. It keeps no copy of the raw octets, so `bytes` is re-encoded with
// the library's own coders, which round-trip any well-formed message.
import smpp from 'smpp';
import type { DecodedMessage } from 'smpp';

export const DATA_CODING_GSM = 0x00;
export const DATA_CODING_UCS2 = 0x08;
export const ESM_CLASS_UDHI = 0x40;
export const ESM_CLASS_DELIVERY_RECEIPT = 0x04;
export const MESSAGE_STATE_DELIVERED = 2;
export const MESSAGE_STATE_UNDELIVERABLE = 5;
/** The largest short_message; longer texts travel in the message_payload TLV. */
export const SHORT_MESSAGE_MAX_OCTETS = 254;

export interface Concatenation {
  readonly reference: number;
  readonly total: number;
  readonly part: number;
}

export interface ShortMessage {
  readonly text: string;
  readonly bytes: Buffer;
  readonly concatenation?: Concatenation;
}

function isDecoded(value: unknown): value is DecodedMessage {
  return typeof value === 'object' && value !== null && 'message' in value;
}

/** IEI 0x00 (8-bit reference) or 0x08 (16-bit reference); part numbers start at 1. */
export function concatenationOf(udh: readonly Buffer[]): Concatenation | undefined {
  for (const ie of udh) {
    let found: Concatenation | undefined;
    if (ie[0] === 0x00 && ie[1] === 3 && ie.length >= 5) found = { reference: ie[2]!, total: ie[3]!, part: ie[4]! };
    if (ie[0] === 0x08 && ie[1] === 4 && ie.length >= 6) found = { reference: ie.readUInt16BE(2), total: ie[4]!, part: ie[5]! };
    if (found !== undefined && found.total > 0 && found.part > 0 && found.part <= found.total) return found;
  }
  return undefined;
}

function coderFor(dataCoding: number): smpp.Coder | undefined {
  const scheme = dataCoding & 0x0f;
  if (scheme === DATA_CODING_UCS2) return smpp.encodings.UCS2;
  // 0 is the SMSC default alphabet, which for this SMSC (as for most) is GSM 03.38; the library
  // decodes 1 (IA5) with the same table.
  if (scheme === 0x00 || scheme === 0x01) return smpp.encodings.ASCII;
  return undefined;
}

/** A short_message (or message_payload) as the library hands it over. Unsupported codings keep their bytes and get no text. */
export function readShortMessage(value: unknown, dataCoding: number): ShortMessage {
  const decoded: DecodedMessage = isDecoded(value) ? value : { message: Buffer.isBuffer(value) ? value : Buffer.alloc(0) };
  const udh = decoded.udh ?? [];
  const coder = coderFor(dataCoding);
  let text: string;
  let body: Buffer;
  if (typeof decoded.message === 'string') {
    text = decoded.message;
    body = coder === undefined ? Buffer.from(text, 'latin1') : coder.encode(text);
  } else {
    body = decoded.message;
    text = coder === undefined ? '' : coder.decode(body);
  }
  const header = udh.length === 0 ? Buffer.alloc(0) : Buffer.concat([Buffer.from([udh.reduce((n, ie) => n + ie.length, 0)]), ...udh]);
  const concatenation = concatenationOf(udh);
  return { text, bytes: Buffer.concat([header, body]), ...(concatenation === undefined ? {} : { concatenation }) };
}

/** GSM 03.38 when every character has a place in it, else UCS-2: what a handset would send. */
export function encodeText(text: string): { dataCoding: number; bytes: Buffer } {
  if (smpp.encodings.ASCII.match(text)) return { dataCoding: DATA_CODING_GSM, bytes: smpp.encodings.ASCII.encode(text) };
  return { dataCoding: DATA_CODING_UCS2, bytes: smpp.encodings.UCS2.encode(text) };
}

function smppDate(date: Date): string {
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${two(date.getUTCFullYear() % 100)}${two(date.getUTCMonth() + 1)}${two(date.getUTCDate())}${two(date.getUTCHours())}${two(date.getUTCMinutes())}`;
}

/** What became of a part: the handset got it, or the network gave up on it. */
export type DeliveryOutcome = 'delivered' | 'undeliverable';

const receiptStatus = {
  delivered: { dlvrd: '001', stat: 'DELIVRD', err: '000', messageState: MESSAGE_STATE_DELIVERED },
  // err is network-specific in appendix B; 001 is what this SMSC says for "absent subscriber".
  undeliverable: { dlvrd: '000', stat: 'UNDELIV', err: '001', messageState: MESSAGE_STATE_UNDELIVERABLE },
} as const satisfies Record<DeliveryOutcome, { dlvrd: string; stat: string; err: string; messageState: number }>;

/** The message_state TLV a receipt carries for the outcome. */
export function messageStateOf(outcome: DeliveryOutcome): number {
  return receiptStatus[outcome].messageState;
}

/** The de-facto receipt text (SMPP 3.4 appendix B), which many ESMEs parse instead of the TLVs. */
export function receiptText(messageId: string, submittedAt: Date, doneAt: Date, text: string, outcome: DeliveryOutcome = 'delivered'): string {
  const snippet = text.slice(0, 20);
  // Appendix B says the first 20 characters of the message; a UCS-2 one cannot ride in a GSM receipt.
  const shown = smpp.encodings.ASCII.match(snippet) ? snippet : '';
  const { dlvrd, stat, err } = receiptStatus[outcome];
  return `id:${messageId} sub:001 dlvrd:${dlvrd} submit date:${smppDate(submittedAt)} done date:${smppDate(doneAt)} stat:${stat} err:${err} text:${shown}`;
}

/** Digits only, so `+963…`, `00963…` and `963…` (with TON international) name the same subscriber. */
export function addressKey(address: string): string {
  return address.replace(/^\+/, '').replace(/^00/, '');
}
