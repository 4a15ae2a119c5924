// Which alphabet an SMS travels in, and its bytes for SMPP. The choice decides the price: a GSM 7-bit
// part carries 160 characters, a UCS-2 part only 70, so one stray non-GSM character (a curly quote, a
// no-break space from Intl) more than doubles the number of parts. Arabic is never in the GSM default
// alphabet, so Arabic texts are always UCS-2.
//
// The national language shift tables of 3GPP TS 23.038 (Turkish, Urdu, …) are not used: there is no
// Arabic one, and many handsets ignore them.

/** The encoding names used by the contracts (`notification.sms-sent` → `encoding`). */
export type SmsEncoding = 'gsm7' | 'ucs2';

/**
 * SMPP `data_coding` per encoding: 0 = the SMSC default alphabet (GSM 03.38 here), 8 = UCS-2.
 *
 * With data_coding 0 we send one septet per octet, unpacked: that is what SMPP 3.4 SMSCs take for
 * the default alphabet in `short_message` (they pack to 7 bits for the air interface themselves).
 * An SMSC configured for packed GSM or for Latin-1 on data_coding 0 would need a different encoder;
 * the choice is made here, in one place.
 */
export const dataCodings = { gsm7: 0, ucs2: 8 } as const satisfies Record<SmsEncoding, number>;
export type DataCoding = (typeof dataCodings)[SmsEncoding];

export class SmsEncodingError extends RangeError {
  constructor(message: string) {
    super(message);
    this.name = 'SmsEncodingError';
  }
}

/** The escape to the extension table; an extension character costs ESC plus its code: 2 septets. */
export const gsmEscape = 0x1b;

// GSM 03.38 default alphabet, code 0x00..0x7F in order, 16 per row. Greek capitals are written as
// escapes so that a Latin look-alike (A for Α) cannot slip in. The 0x1B slot is the escape itself: it
// is never a character of the text (a U+001B in the input is not encodable and forces UCS-2).
const basicTable =
  '@£$¥èéùìòÇ\nØø\rÅå' +
  '\u0394_\u03A6\u0393\u039B\u03A9\u03A0\u03A8\u03A3\u0398\u039E\u001BÆæßÉ' +
  ' !"#¤%&\'()*+,-./' +
  '0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNO' +
  'PQRSTUVWXYZÄÖÑÜ§' +
  '¿abcdefghijklmno' +
  'pqrstuvwxyzäöñüà';
if (basicTable.length !== 128) throw new Error('GSM 03.38 basic table must have 128 entries');

// Extension table: the characters reached through ESC (form feed, ^ { } \ [ ~ ] | €).
const extensionTable: ReadonlyArray<readonly [string, number]> = [
  ['\f', 0x0a],
  ['^', 0x14],
  ['{', 0x28],
  ['}', 0x29],
  ['\\', 0x2f],
  ['[', 0x3c],
  ['~', 0x3d],
  [']', 0x3e],
  ['|', 0x40],
  ['€', 0x65],
];

const basicCode = new Map<string, number>();
for (let code = 0; code < basicTable.length; code++) {
  if (code !== gsmEscape) basicCode.set(basicTable.charAt(code), code);
}
const extensionCode = new Map<string, number>(extensionTable);
const extensionChar = new Map<number, string>(extensionTable.map(([ch, code]) => [code, ch]));

/** Septets one UTF-16 code unit costs in GSM 7-bit: 1, 2 (extension table) or null (not in GSM). */
export function gsmSeptetsOf(char: string): 1 | 2 | null {
  if (basicCode.has(char)) return 1;
  if (extensionCode.has(char)) return 2;
  return null;
}

/** GSM 7-bit when every character is in the default alphabet or its extension table, else UCS-2. */
export function chooseEncoding(text: string): SmsEncoding {
  for (let i = 0; i < text.length; i++) {
    if (gsmSeptetsOf(text.charAt(i)) === null) return 'ucs2';
  }
  return 'gsm7';
}

/**
 * Length in the units the segment limits are counted in: septets for GSM (extension characters
 * count 2), UTF-16 code units for UCS-2 (a character outside the BMP, e.g. an emoji, counts 2).
 */
export function smsUnitCount(text: string, encoding: SmsEncoding): number {
  if (encoding === 'ucs2') return text.length;
  let septets = 0;
  for (let i = 0; i < text.length; i++) {
    const cost = gsmSeptetsOf(text.charAt(i));
    if (cost === null) throw new SmsEncodingError(`character U+${hex4(text.charCodeAt(i))} at ${i} is not in the GSM 7-bit alphabet`);
    septets += cost;
  }
  return septets;
}

/** GSM 7-bit, unpacked: one septet per octet, extension characters as 0x1B + code. */
export function encodeGsm7(text: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const ch = text.charAt(i);
    const basic = basicCode.get(ch);
    if (basic !== undefined) {
      out.push(basic);
      continue;
    }
    const ext = extensionCode.get(ch);
    if (ext === undefined) throw new SmsEncodingError(`character U+${hex4(text.charCodeAt(i))} at ${i} is not in the GSM 7-bit alphabet`);
    out.push(gsmEscape, ext);
  }
  return Uint8Array.from(out);
}

/**
 * Inverse of `encodeGsm7`. For codes our encoder never produces, it does what TS 23.038 asks of a
 * receiver: an escape to an undefined extension code shows the basic-table character of that code,
 * and an escape with nothing after it (or ESC ESC) shows a space.
 */
export function decodeGsm7(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i] as number;
    if (byte > 0x7f) throw new SmsEncodingError(`octet 0x${byte.toString(16)} at ${i} is not an unpacked GSM septet`);
    if (byte !== gsmEscape) {
      text += basicTable.charAt(byte);
      continue;
    }
    const next = bytes[i + 1];
    if (next === undefined || next === gsmEscape) {
      text += ' ';
      if (next !== undefined) i++;
      continue;
    }
    if (next > 0x7f) throw new SmsEncodingError(`octet 0x${next.toString(16)} at ${i + 1} is not an unpacked GSM septet`);
    text += extensionChar.get(next) ?? basicTable.charAt(next);
    i++;
  }
  return text;
}

/** UCS-2 as SMSCs take it: UTF-16 big-endian code units (outside the BMP, a surrogate pair). */
export function encodeUcs2(text: string): Uint8Array {
  const out = new Uint8Array(text.length * 2);
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    out[2 * i] = unit >> 8;
    out[2 * i + 1] = unit & 0xff;
  }
  return out;
}

export function decodeUcs2(bytes: Uint8Array): string {
  if (bytes.length % 2 !== 0) throw new SmsEncodingError(`UCS-2 payload has an odd length (${bytes.length} octets)`);
  // Code unit by code unit, so a text round-trips exactly, even one holding a lone surrogate.
  const units: number[] = [];
  for (let i = 0; i < bytes.length; i += 2) units.push(((bytes[i] as number) << 8) | (bytes[i + 1] as number));
  let text = '';
  // fromCharCode takes arguments; chunk so a long payload cannot overflow the call stack.
  for (let i = 0; i < units.length; i += 4096) text += String.fromCharCode(...units.slice(i, i + 4096));
  return text;
}

export function encodeText(text: string, encoding: SmsEncoding): Uint8Array {
  return encoding === 'gsm7' ? encodeGsm7(text) : encodeUcs2(text);
}

export function encodingOfDataCoding(dataCoding: number): SmsEncoding {
  if (dataCoding === dataCodings.gsm7) return 'gsm7';
  if (dataCoding === dataCodings.ucs2) return 'ucs2';
  throw new SmsEncodingError(`data_coding ${dataCoding} is not supported (0 = GSM 7-bit, 8 = UCS-2)`);
}

/** Decodes an SMPP payload (without UDH) by its `data_coding`. */
export function decodeText(bytes: Uint8Array, dataCoding: number): string {
  return encodingOfDataCoding(dataCoding) === 'gsm7' ? decodeGsm7(bytes) : decodeUcs2(bytes);
}

function hex4(unit: number): string {
  return unit.toString(16).toUpperCase().padStart(4, '0');
}
