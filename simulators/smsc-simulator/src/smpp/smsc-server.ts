// The SMPP side of the simulator: binds (transceiver, transmitter, receiver), enquire_link, submit_sm
// (stored, answered with a message id, a delivery receipt after the configured delay), unbind, and the
// mobile-originated deliver_sm that POST /mo asks for. Faults come from the state's control settings.
//
// A submit_sm carrying the ESME's reference (vendor TLV gateway_message_ref) that this ESME already
// submitted is answered with the first message id, and nothing new is stored or delivered: the
// telecom's SMSC deduplicates that way, which makes resubmitting after a lost answer safe.
//
// Receipts are never lost to a dropped connection: one whose session is gone goes to another bound
// receiving session, or waits for the next bind; one sent but not acknowledged when its session
// closes is sent again; one the ESME refuses (e.g. ESME_RX_T_APPN, it could not store it just now) is
// sent again after the receipt delay. That is what a real SMSC does, and what the notification
// service relies on.
import type { AddressInfo } from 'node:net';
import smpp from 'smpp';
import type { Pdu, Session } from 'smpp';
import type { Logger } from '@gateway/kit';
import { rolls } from '../domain/faults.ts';
import { ESM_CLASS_DELIVERY_RECEIPT, SHORT_MESSAGE_MAX_OCTETS, encodeText, messageStateOf, readShortMessage, receiptText } from '../domain/short-message.ts';
import type { SmscState, StoredPart } from '../store/smsc-state.ts';
import { gatewayMessageRef } from './vendor-tlvs.ts';

type BindMode = 'transceiver' | 'transmitter' | 'receiver';

export interface MobileOriginated {
  from: string;
  to: string;
  text: string;
}

export interface SmscServer {
  listen(host: string, port: number): Promise<AddressInfo>;
  /** Closes every session and stops listening; pending receipt timers are dropped. */
  close(): Promise<void>;
  /** The dropConnection fault: destroys every bound session now; returns how many. */
  dropSessions(): number;
  /** Sends a mobile-originated deliver_sm to one bound receiving session; false when none is bound. */
  sendMobileOriginated(message: MobileOriginated): boolean;
  boundSessions(): number;
}

export interface SmscServerOptions {
  systemId: string;
  password: string;
  logger: Logger;
}

interface Receipt {
  readonly part: StoredPart;
  readonly pdu: Record<string, unknown>;
}

interface SessionState {
  mode?: BindMode;
  systemId?: string;
  /** Receipts sent on this session and not yet acknowledged. */
  readonly unacknowledged: Set<Receipt>;
}

const stringField = (pdu: Pdu, name: string): string => (typeof pdu[name] === 'string' ? pdu[name] : '');
const numberField = (pdu: Pdu, name: string): number => (typeof pdu[name] === 'number' ? pdu[name] : 0);

/** Address and TON for the wire: `+963…` becomes `963…` with TON international. */
function wireAddress(address: string): { addr: string; ton: number; npi: number } {
  return address.startsWith('+') ? { addr: address.slice(1), ton: 1, npi: 1 } : { addr: address, ton: 0, npi: 0 };
}

/** What the store shows: E.164 with its plus when the ESME said the number is international. */
function shownAddress(addr: string, ton: number): string {
  return ton === 1 && /^\d+$/.test(addr) ? `+${addr}` : addr;
}

function messageField(bytes: Buffer): Record<string, unknown> {
  return bytes.length > SHORT_MESSAGE_MAX_OCTETS ? { message_payload: bytes } : { short_message: bytes };
}

export function createSmscServer(state: SmscState, options: SmscServerOptions): SmscServer {
  const { logger } = options;
  const sessions = new Map<Session, SessionState>();
  const timers = new Set<NodeJS.Timeout>();
  const pendingReceipts: Receipt[] = [];
  let nextReceiver = 0;

  const canReceive = (s: SessionState): boolean => s.mode === 'transceiver' || s.mode === 'receiver';

  function receivers(): Session[] {
    return [...sessions].filter(([, s]) => canReceive(s)).map(([session]) => session);
  }

  function sendReceipt(session: Session, receipt: Receipt): void {
    const sessionState = sessions.get(session);
    if (sessionState === undefined) {
      pendingReceipts.push(receipt);
      return;
    }
    sessionState.unacknowledged.add(receipt);
    state.countReceiptSent();
    // A fresh PDU each time: the library writes the sequence number into the object it sends.
    session.deliver_sm({ ...receipt.pdu }, (resp) => {
      if (resp.command_status === smpp.ESME_ROK) {
        sessionState.unacknowledged.delete(receipt);
        return;
      }
      logger.warn({ messageId: receipt.part.messageId, commandStatus: resp.command_status }, 'receipt refused by the ESME; will send it again');
      sessionState.unacknowledged.delete(receipt);
      later(state.control().receiptDelayMs, () => routeReceipt(receipt, session));
    });
  }

  function routeReceipt(receipt: Receipt, preferred?: Session): void {
    const preferredState = preferred === undefined ? undefined : sessions.get(preferred);
    if (preferred !== undefined && preferredState !== undefined && canReceive(preferredState)) return sendReceipt(preferred, receipt);
    const other = receivers()[0];
    if (other !== undefined) return sendReceipt(other, receipt);
    pendingReceipts.push(receipt);
  }

  function later(delayMs: number, action: () => void): void {
    const timer = setTimeout(() => {
      timers.delete(timer);
      action();
    }, delayMs);
    timers.add(timer);
  }

  /** The delivery attempt, after the receipt delay; a receipt when the ESME asked for one. */
  function scheduleDelivery(part: StoredPart, session: Session): void {
    later(state.control().receiptDelayMs, () => {
      const outcome = state.isUndeliverable(part.to) ? 'undeliverable' : 'delivered';
      // Bits 0-1: 1 = receipt on success or failure, 2 = on failure only, 3 = on success only (SMPP 5.0).
      const wanted = part.registeredDelivery & 0x03;
      const receipt = wanted === 1 || (wanted === 2 && outcome === 'undeliverable') || (wanted === 3 && outcome === 'delivered');
      state.settle(part, outcome, receipt);
      if (!receipt) return;
      const { addr: toAddr, ton: toTon, npi: toNpi } = wireAddress(part.to);
      const { addr: fromAddr, ton: fromTon, npi: fromNpi } = wireAddress(part.from);
      const text = receiptText(part.messageId, part.receivedAt, part.deliveredAt ?? new Date(), part.text, outcome);
      routeReceipt(
        {
          part,
          pdu: {
            // The handset is the source of a receipt, the ESME's sender its destination.
            source_addr: toAddr,
            source_addr_ton: toTon,
            source_addr_npi: toNpi,
            destination_addr: fromAddr,
            dest_addr_ton: fromTon,
            dest_addr_npi: fromNpi,
            esm_class: ESM_CLASS_DELIVERY_RECEIPT,
            data_coding: 0,
            short_message: smpp.encodings.ASCII.encode(text),
            receipted_message_id: part.messageId,
            message_state: messageStateOf(outcome),
          },
        },
        session,
      );
    });
  }

  function bind(session: Session, pdu: Pdu, mode: BindMode): void {
    const sessionState = sessions.get(session);
    if (sessionState === undefined) return;
    if (sessionState.mode !== undefined) {
      session.send(pdu.response({ command_status: smpp.ESME_RALYBND }));
      return;
    }
    const systemId = stringField(pdu, 'system_id');
    if (stringField(pdu, 'password') !== options.password) {
      logger.info({ systemId, mode }, 'bind refused: wrong password');
      session.send(pdu.response({ command_status: smpp.ESME_RBINDFAIL }));
      return;
    }
    sessionState.mode = mode;
    sessionState.systemId = systemId;
    state.countBind();
    session.send(pdu.response({ system_id: options.systemId }));
    logger.info({ systemId, mode }, 'ESME bound');
    if (canReceive(sessionState)) {
      for (const receipt of pendingReceipts.splice(0)) sendReceipt(session, receipt);
    }
  }

  function submit(session: Session, pdu: Pdu): void {
    const sessionState = sessions.get(session);
    if (sessionState === undefined) return;
    if (sessionState.mode !== 'transceiver' && sessionState.mode !== 'transmitter') {
      session.send(pdu.response({ command_status: smpp.ESME_RINVBNDSTS }));
      return;
    }
    const control = state.control();
    // Every answer waits responseDelayMs; a session gone by then simply never gets it (send is a no-op).
    // An accepted answer lost that way is counted: the ESME never heard the id of a message we hold.
    const answer = (response: Pdu, then?: () => void): void => {
      const respond = (): void => {
        if (!sessions.has(session) && response.command_status === smpp.ESME_ROK) state.countSubmitResponseLost();
        session.send(response);
        then?.();
      };
      if (control.responseDelayMs > 0) later(control.responseDelayMs, respond);
      else respond();
    };
    if (!state.admitSubmit()) return answer(pdu.response({ command_status: smpp.ESME_RTHROTTLED }));
    const systemId = sessionState.systemId ?? '';
    const esmeReference = stringField(pdu, gatewayMessageRef.tag);
    const earlier = esmeReference === '' ? undefined : state.findByEsmeReference(systemId, esmeReference);
    if (earlier !== undefined) {
      state.countDuplicateAnswered();
      logger.info({ systemId, esmeReference, messageId: earlier.messageId }, 'duplicate submit answered with the first message id');
      return answer(pdu.response({ message_id: earlier.messageId }));
    }
    if (rolls(control.failRate, state.random)) return answer(pdu.response({ command_status: smpp.ESME_RSYSERR }));
    const dataCoding = numberField(pdu, 'data_coding');
    // A long text may come in message_payload with an empty short_message (SMPP 3.4 §5.3.2.32).
    const short = readShortMessage(pdu['short_message'], dataCoding);
    const message = short.bytes.length === 0 && pdu['message_payload'] !== undefined ? readShortMessage(pdu['message_payload'], dataCoding) : short;
    const registeredDelivery = numberField(pdu, 'registered_delivery');
    const part = state.record({
      from: shownAddress(stringField(pdu, 'source_addr'), numberField(pdu, 'source_addr_ton')),
      to: shownAddress(stringField(pdu, 'destination_addr'), numberField(pdu, 'dest_addr_ton')),
      esmClass: numberField(pdu, 'esm_class'),
      dataCoding,
      registeredDelivery,
      ...message,
      systemId,
      ...(esmeReference === '' ? {} : { esmeReference }),
    });
    // Delivery starts once the answer is out (a real SMSC does not send a receipt before its submit_sm_resp).
    answer(pdu.response({ message_id: part.messageId }), () => scheduleDelivery(part, session));
  }

  const handled = new Set(['bind_transceiver', 'bind_transmitter', 'bind_receiver', 'submit_sm', 'enquire_link', 'unbind']);

  const server = smpp.createServer({}, (session) => {
    const sessionState: SessionState = { unacknowledged: new Set() };
    // Answers go out at once, as an SMSC's do; Nagle's algorithm would hold each small response back.
    session.socket.setNoDelay(true);
    sessions.set(session, sessionState);
    // The silent fault: a request is read and dropped, as a hung SMSC would (responses still count).
    const on = (command: string, handle: (pdu: Pdu) => void) =>
      session.on(command, (pdu: Pdu) => {
        if (!state.control().silent) handle(pdu);
      });
    // Counted once a request ('pdu' fires too, alongside the command's own event).
    session.on('pdu', (pdu: Pdu) => {
      if (state.control().silent && !pdu.isResponse()) state.countRequestUnanswered();
    });
    on('bind_transceiver', (pdu) => bind(session, pdu, 'transceiver'));
    on('bind_transmitter', (pdu) => bind(session, pdu, 'transmitter'));
    on('bind_receiver', (pdu) => bind(session, pdu, 'receiver'));
    on('submit_sm', (pdu) => submit(session, pdu));
    on('enquire_link', (pdu) => session.send(pdu.response()));
    on('unbind', (pdu) => {
      sessionState.mode = undefined;
      session.send(pdu.response(), () => session.close());
    });
    on('pdu', (pdu) => {
      // Requests we do not implement (query_sm, data_sm, …) get an answer, so the ESME's window does not fill.
      if (!pdu.isResponse() && !handled.has(pdu.command)) session.send(pdu.response({ command_status: smpp.ESME_RINVCMDID }));
    });
    session.on('error', (error: Error) => logger.debug({ err: error }, 'SMPP session error'));
    session.on('close', () => {
      sessions.delete(session);
      if (sessionState.mode !== undefined) logger.info({ systemId: sessionState.systemId }, 'ESME session closed');
      // Sent but never acknowledged: the ESME may not have it. Send again elsewhere (ESMEs dedupe by id).
      for (const receipt of sessionState.unacknowledged) routeReceipt(receipt);
      sessionState.unacknowledged.clear();
    });
  });
  server.on('error', (error: Error) => logger.error({ err: error }, 'SMPP server error'));

  return {
    listen(host, port) {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve(server.address() as AddressInfo);
        });
      });
    },
    close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      return new Promise((resolve) => {
        server.close(() => resolve());
        for (const session of sessions.keys()) session.destroy();
      });
    },
    dropSessions() {
      const bound = [...sessions].filter(([, s]) => s.mode !== undefined).map(([session]) => session);
      for (const session of bound) session.destroy();
      return bound.length;
    },
    sendMobileOriginated(message) {
      const candidates = receivers();
      if (candidates.length === 0) return false;
      // Round robin, as an SMSC spreads MO traffic over an ESME's receiving binds.
      const session = candidates[nextReceiver++ % candidates.length]!;
      const from = wireAddress(message.from);
      const to = wireAddress(message.to);
      const encoded = encodeText(message.text);
      session.deliver_sm(
        {
          source_addr: from.addr,
          source_addr_ton: from.ton,
          source_addr_npi: from.npi,
          destination_addr: to.addr,
          dest_addr_ton: to.ton,
          dest_addr_npi: to.npi,
          esm_class: 0,
          data_coding: encoded.dataCoding,
          ...messageField(encoded.bytes),
        },
        (resp) => {
          if (resp.command_status !== smpp.ESME_ROK) logger.warn({ commandStatus: resp.command_status }, 'mobile-originated message refused by the ESME');
        },
      );
      return true;
    },
    boundSessions: () => [...sessions.values()].filter((s) => s.mode !== undefined).length,
  };
}
