// What an SMSC delivery receipt says about one submitted part. SMSCs say it twice: in the TLVs
// receipted_message_id and message_state (SMPP 3.4 §5.3.2.12, §5.3.2.35), and in the short_message
// text of SMPP 3.4 appendix B (`id:… sub:… dlvrd:… submit date:… done date:… stat:… err:… text:…`).
// The TLVs are the standard and win when present; the text is the de-facto format, which some SMSCs
// send alone and which is the only place for the error code and the completion time.
//
// Appendix B is informative, and real SMSCs vary: keys in any case, 10- or 12-digit dates, the id in
// hex or decimal, fields missing or reordered. This parser takes what it can and returns null only
// when it cannot tell which message the receipt is about or what became of it: the caller then
// acknowledges it anyway and logs it, so one garbage receipt never blocks the SMSC's queue.

export type ReceiptState = 'delivered' | 'failed' | 'expired' | 'rejected' | 'unknown' | 'accepted' | 'enroute';

export interface DeliveryReceipt {
  /** The message id the SMSC answered the submit_sm with. */
  smscMessageId: string;
  state: ReceiptState;
  /** The text's `err:` value as sent (network-specific, e.g. "000"); null when absent. */
  errorCode: string | null;
  /** The text's `done date`, read as UTC; null when absent or not a real date. */
  doneAt: Date | null;
}

export interface DeliveryReceiptFields {
  esmClass: number;
  /** The receipted_message_id TLV. */
  receiptedMessageId?: string | null;
  /** The message_state TLV. */
  messageState?: number | null;
  /** The short_message (or message_payload) text. */
  text?: string | null;
}

/** esm_class bits 2-5, the message type. */
const esmClassMessageTypeMask = 0x3c;
export const esmClassSmscDeliveryReceipt = 0x04;
/** Intermediate delivery notification (SMPP 3.4 §5.2.12): a receipt too, usually saying ENROUTE. */
export const esmClassIntermediateNotification = 0x20;

/** Whether a deliver_sm is a receipt (as opposed to a mobile-originated message). */
export function isDeliveryReceipt(esmClass: number): boolean {
  const type = esmClass & esmClassMessageTypeMask;
  return type === esmClassSmscDeliveryReceipt || type === esmClassIntermediateNotification;
}

// message_state (SMPP 3.4 §5.2.28). DELETED and UNDELIVERABLE both mean the handset will never get it.
const messageStates: ReadonlyMap<number, ReceiptState> = new Map([
  [1, 'enroute'],
  [2, 'delivered'],
  [3, 'expired'],
  [4, 'failed'],
  [5, 'failed'],
  [6, 'accepted'],
  [7, 'unknown'],
  [8, 'rejected'],
]);

// Appendix B's stat values.
const statValues: ReadonlyMap<string, ReceiptState> = new Map([
  ['DELIVRD', 'delivered'],
  ['EXPIRED', 'expired'],
  ['DELETED', 'failed'],
  ['UNDELIV', 'failed'],
  ['ACCEPTD', 'accepted'],
  ['UNKNOWN', 'unknown'],
  ['REJECTD', 'rejected'],
  ['ENROUTE', 'enroute'],
]);

type ReceiptKey = 'id' | 'sub' | 'dlvrd' | 'submit date' | 'done date' | 'stat' | 'err' | 'text';

// A key starts the text or follows whitespace, so "text:id:x" inside the message snippet is not a key.
const keyPattern = /(?:^|\s)(id|sub|dlvrd|submit[ _]date|done[ _]date|stat|err|text)\s*:/gi;

/** The appendix B fields, each the text up to the next key; `text:` runs to the end. */
export function receiptTextFields(text: string): Partial<Record<ReceiptKey, string>> {
  const found: { key: ReceiptKey; start: number; valueStart: number }[] = [];
  for (const match of text.matchAll(keyPattern)) {
    const key = match[1]!.toLowerCase().replace('_', ' ') as ReceiptKey;
    found.push({ key, start: match.index, valueStart: match.index + match[0].length });
    // Whatever follows text: is the message itself, never more fields.
    if (key === 'text') break;
  }
  const fields: Partial<Record<ReceiptKey, string>> = {};
  found.forEach((f, i) => {
    const end = f.key === 'text' ? text.length : (found[i + 1]?.start ?? text.length);
    // The first occurrence wins: a repeated key is more likely noise than a correction.
    if (fields[f.key] === undefined) fields[f.key] = f.key === 'text' ? text.slice(f.valueStart) : text.slice(f.valueStart, end).trim();
  });
  return fields;
}

/** YYMMDDhhmm or YYMMDDhhmmss, as UTC (appendix B leaves the zone to the SMSC; ours sends UTC). */
export function parseReceiptDate(value: string | undefined): Date | null {
  const m = value === undefined ? null : /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?$/.exec(value);
  if (m === null) return null;
  const [year, month, day, hour, minute, second] = [2000 + Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0)];
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  // Date.UTC rolls 31 February over into March; a receipt that says so is wrong, not early March.
  const real =
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day &&
    date.getUTCHours() === hour &&
    date.getUTCMinutes() === minute &&
    date.getUTCSeconds() === second;
  return real ? date : null;
}

function firstToken(value: string | undefined): string | undefined {
  const token = value?.trim().split(/\s+/)[0];
  return token === undefined || token === '' ? undefined : token;
}

/** The receipt, or null when it is not a receipt or does not say which message and what became of it. */
export function parseDeliveryReceipt(fields: DeliveryReceiptFields): DeliveryReceipt | null {
  if (!isDeliveryReceipt(fields.esmClass)) return null;
  const text = fields.text ?? '';
  const parsed = receiptTextFields(text);

  const tlvId = fields.receiptedMessageId?.trim();
  const smscMessageId = tlvId !== undefined && tlvId !== '' ? tlvId : firstToken(parsed.id);
  if (smscMessageId === undefined) return null;

  const tlvState = fields.messageState === null || fields.messageState === undefined ? undefined : messageStates.get(fields.messageState);
  const stat = firstToken(parsed.stat)?.toUpperCase();
  const state = tlvState ?? (stat === undefined ? undefined : statValues.get(stat));
  if (state === undefined) return null;

  return {
    smscMessageId,
    state,
    errorCode: firstToken(parsed.err) ?? null,
    doneAt: parseReceiptDate(firstToken(parsed['done date'])),
  };
}
