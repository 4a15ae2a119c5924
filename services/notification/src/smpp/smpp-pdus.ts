// Between our values and the smpp library's PDUs: the submit_sm we send for a part, what its answer
// means for the caller, and what an incoming deliver_sm is. No I/O here, so all of it is testable
// without a socket; smsc-client.ts does the sending.
import smpp from 'smpp';
import type { Pdu } from 'smpp';
import { parseDeliveryReceipt, isDeliveryReceipt } from '../domain/delivery-receipt.ts';
import type { ReceiptState } from '../domain/delivery-receipt.ts';
import { decodeText } from '../domain/sms-encoding.ts';

/**
 * Our vendor TLV 0x1400 (C-octet string): the part's own reference. After an ambiguous outcome (the
 * connection died after the submit_sm was written, before its answer), the caller resubmits the same
 * part with the same reference, and the telecom's SMSC, which deduplicates by the ESME's reference,
 * answers with the first message id instead of sending the subscriber a second SMS. The library keeps
 * one TLV table per process, so this registers it once, at module load.
 */
export const gatewayMessageRefTag = 'gateway_message_ref';
smpp.addTLV(gatewayMessageRefTag, { id: 0x1400, type: smpp.types.tlv.cstring });

export type OutgoingPart = {
  /** E.164 "+9639…" goes out as international (TON 1, NPI 1) without the plus; anything else as unknown (TON 0, NPI 0). */
  to: string;
  /** Sender id: alphanumeric such as "Telecom" (TON 5), or digits as for `to`. */
  from: string;
  esmClass: number;
  dataCoding: number;
  /** UDH (if any) and payload, already encoded (sms-segments.ts shortMessageOf); sent raw. */
  shortMessage: Uint8Array;
  /** Our unique reference of this part, e.g. "<messageId>:<seq>" (ASCII, at most 64 characters). */
  reference: string;
};

export type SubmitOutcome =
  | { status: 'accepted'; smscMessageId: string }
  | { status: 'throttled' }
  | { status: 'rejected'; commandStatus: number; permanent: boolean }
  /** The session died, or never came up in time, before an answer: the SMSC may or may not have the part. */
  | { status: 'connection_lost' };

export type IncomingDeliverSm =
  | { kind: 'receipt'; smscMessageId: string; state: ReceiptState; errorCode: string | null; doneAt: Date | null; from: string; to: string }
  | { kind: 'mobile_originated'; from: string; to: string; text: string };

export interface WireAddress {
  addr: string;
  ton: number;
  npi: number;
}

/** A destination for the wire (the SMSC simulator's convention): E.164 as international, anything else as unknown. */
export function destinationAddress(address: string): WireAddress {
  return /^\+\d+$/.test(address) ? { addr: address.slice(1), ton: 1, npi: 1 } : { addr: address, ton: 0, npi: 0 };
}

/** A sender id for the wire: alphanumeric ids are TON 5 with no numbering plan; numbers as destinations. */
export function sourceAddress(address: string): WireAddress {
  return /^\+?\d+$/.test(address) ? destinationAddress(address) : { addr: address, ton: 5, npi: 0 };
}

/** An address as we show it: E.164 with its plus when the SMSC said it is international. */
export function shownAddress(addr: string, ton: number): string {
  return ton === 1 && /^\d+$/.test(addr) ? `+${addr}` : addr;
}

/** The submit_sm fields for a part. A receipt is always asked for (registered_delivery 1: on success or failure). */
export function submitFields(part: OutgoingPart): Record<string, unknown> {
  const to = destinationAddress(part.to);
  const from = sourceAddress(part.from);
  return {
    source_addr_ton: from.ton,
    source_addr_npi: from.npi,
    source_addr: from.addr,
    dest_addr_ton: to.ton,
    dest_addr_npi: to.npi,
    destination_addr: to.addr,
    esm_class: part.esmClass,
    registered_delivery: 1,
    data_coding: part.dataCoding,
    // A Buffer goes through the library's message filter untouched (a string would be re-encoded).
    short_message: Buffer.from(part.shortMessage.buffer, part.shortMessage.byteOffset, part.shortMessage.byteLength),
    [gatewayMessageRefTag]: part.reference,
  };
}

// Statuses that say this part can never be accepted as it is: resending it unchanged is pointless.
const permanentStatuses = new Set<number>([
  smpp.ESME_RINVMSGLEN,
  smpp.ESME_RINVPRTFLG,
  smpp.ESME_RINVREGDLVFLG,
  smpp.ESME_RINVSRCADR,
  smpp.ESME_RINVDSTADR,
  smpp.ESME_RINVSERTYP,
  smpp.ESME_RINVESMCLASS,
  smpp.ESME_RINVSRCTON,
  smpp.ESME_RINVSRCNPI,
  smpp.ESME_RINVDSTTON,
  smpp.ESME_RINVDSTNPI,
  smpp.ESME_RINVSCHED,
  smpp.ESME_RINVEXPIRY,
  smpp.ESME_RX_P_APPN,
  smpp.ESME_RX_R_APPN,
  smpp.ESME_RINVTLVSTREAM,
  smpp.ESME_RTLVNOTALLWD,
  smpp.ESME_RINVTLVLEN,
  smpp.ESME_RMISSINGTLV,
  smpp.ESME_RINVTLVVAL,
  smpp.ESME_RINVDCS,
]);

/** What a submit_sm_resp (or a generic_nack in its place) means. Unknown statuses are transient: retrying is the safe guess. */
export function submitOutcomeOf(response: Pdu): SubmitOutcome {
  const status = response.command_status;
  if (status === smpp.ESME_ROK) {
    return { status: 'accepted', smscMessageId: typeof response['message_id'] === 'string' ? response['message_id'] : '' };
  }
  if (status === smpp.ESME_RTHROTTLED || status === smpp.ESME_RMSGQFUL) return { status: 'throttled' };
  return { status: 'rejected', commandStatus: status, permanent: permanentStatuses.has(status) };
}

const stringField = (pdu: Pdu, name: string): string => (typeof pdu[name] === 'string' ? pdu[name] : '');
const numberField = (pdu: Pdu, name: string): number => (typeof pdu[name] === 'number' ? pdu[name] : 0);

/**
 * The text of a short_message or message_payload as the library hands it over: decoded per
 * data_coding into `{ message: string, udh? }` for the codings it knows; bytes otherwise, which we
 * decode ourselves where we can (GSM 7-bit unpacked, UCS-2) and else treat as having no text.
 */
function textOf(value: unknown, dataCoding: number): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  const message = typeof value === 'object' && 'message' in value ? value.message : value;
  if (typeof message === 'string') return message;
  if (!Buffer.isBuffer(message)) return undefined;
  try {
    return decodeText(message, dataCoding & 0x0f);
  } catch {
    return message.length === 0 ? '' : undefined;
  }
}

/** A long text may come in message_payload with an empty short_message (SMPP 3.4 §5.3.2.32). */
export function deliverSmText(pdu: Pdu): string {
  const dataCoding = numberField(pdu, 'data_coding');
  const short = textOf(pdu['short_message'], dataCoding);
  if (short !== undefined && short !== '') return short;
  return textOf(pdu['message_payload'], dataCoding) ?? short ?? '';
}

/** What a deliver_sm is for us; null for a receipt we cannot make sense of. */
export function incomingDeliverSmOf(pdu: Pdu): IncomingDeliverSm | null {
  const esmClass = numberField(pdu, 'esm_class');
  const from = shownAddress(stringField(pdu, 'source_addr'), numberField(pdu, 'source_addr_ton'));
  const to = shownAddress(stringField(pdu, 'destination_addr'), numberField(pdu, 'dest_addr_ton'));
  const text = deliverSmText(pdu);
  if (!isDeliveryReceipt(esmClass)) return { kind: 'mobile_originated', from, to, text };
  const messageState = pdu['message_state'];
  const receipt = parseDeliveryReceipt({
    esmClass,
    receiptedMessageId: typeof pdu['receipted_message_id'] === 'string' ? pdu['receipted_message_id'] : null,
    messageState: typeof messageState === 'number' ? messageState : null,
    text,
  });
  // A receipt goes from the handset (source) to our sender id (destination).
  return receipt === null ? null : { kind: 'receipt', ...receipt, from, to };
}
