// The session with the SMSC: connect, bind_transceiver, enquire_link as the keep-alive (with a
// response timeout: the library's own auto_enquire_link has none), and reconnection with exponential
// backoff and jitter after every close, forever until stop. What runs over the session (submits,
// deliver_sm) is the caller's, told through onBound, onClosed and onDeliverSm.
import smpp from 'smpp';
import type { Pdu } from 'smpp';
import type { Logger } from '@gateway/kit';
import { breakLink, linkTimer } from './smpp-link.ts';
import type { Link } from './smpp-link.ts';
import type { SmppMetrics } from './smpp-metrics.ts';

export interface SmppSessionOptions {
  host: string;
  port: number;
  systemId: string;
  password: string;
  systemType?: string | undefined;
  /** Keep-alive period; an enquire_link unanswered within responseTimeoutMs means a dead link. */
  enquireLinkMs: number;
  /** How long connect, bind, enquire_link and unbind may wait for their answer. */
  responseTimeoutMs: number;
  /** Backoff between connect/bind attempts: exponential from initialMs up to maxMs, with jitter. */
  reconnect: { initialMs: number; maxMs: number };
  /** For the reconnect jitter. */
  random: () => number;
  logger: Logger;
  metrics: SmppMetrics;
  isStopped: () => boolean;
  /** The link is bound (and its keep-alive running): submits may go. */
  onBound: (l: Link) => void;
  /** The link closed: settle what was in flight on it. Called before the link is forgotten. */
  onClosed: (l: Link) => void;
  onDeliverSm: (l: Link, pdu: Pdu) => void;
}

export interface SmppSession {
  /** Connects and binds; after a close, reconnects with backoff until stop. */
  connect(): void;
  /** The link now (bound or not), if any. */
  current(): Link | undefined;
  /** No reconnect after this. */
  stopReconnecting(): void;
  /** Unbinds (bounded by the response timeout) and closes the link, if one is open. */
  close(): Promise<void>;
}

export function createSmppSession(options: SmppSessionOptions): SmppSession {
  const { logger, metrics } = options;
  let link: Link | undefined;
  let failedAttempts = 0;
  let reconnectTimer: NodeJS.Timeout | undefined;

  function scheduleReconnect(): void {
    if (options.isStopped() || reconnectTimer !== undefined) return;
    const base = Math.min(options.reconnect.maxMs, options.reconnect.initialMs * 2 ** failedAttempts);
    // Equal jitter: never less than half the backoff, so a flapping SMSC is not hammered, and spread
    // so that several instances do not reconnect in lockstep.
    const delayMs = Math.round(base / 2 + (options.random() * base) / 2);
    failedAttempts = Math.min(failedAttempts + 1, 30);
    reconnectTimer = setTimeout(() => {
      reconnectTimer = undefined;
      metrics.reconnects.inc();
      connect();
    }, delayMs);
  }

  function startEnquireLink(l: Link): void {
    l.enquireInterval = setInterval(() => {
      if (l.enquireDeadline !== undefined) return;
      const sent = l.session.enquire_link({}, () => {
        if (l.enquireDeadline !== undefined) clearTimeout(l.enquireDeadline);
        l.enquireDeadline = undefined;
      });
      if (!sent) return breakLink(l, 'socket not writable', logger);
      l.enquireDeadline = setTimeout(() => breakLink(l, `no enquire_link_resp within ${options.responseTimeoutMs} ms`, logger), options.responseTimeoutMs);
    }, options.enquireLinkMs);
  }

  function onBound(l: Link): void {
    l.bound = true;
    failedAttempts = 0;
    metrics.bound.set(1);
    metrics.windowInUse.set(0);
    logger.info({ host: options.host, port: options.port }, 'SMPP session bound');
    startEnquireLink(l);
    options.onBound(l);
  }

  function onClosed(l: Link): void {
    if (l.closed) return;
    const wasBound = l.bound;
    l.closed = true;
    l.bound = false;
    if (l.enquireInterval !== undefined) clearInterval(l.enquireInterval);
    if (l.enquireDeadline !== undefined) clearTimeout(l.enquireDeadline);
    options.onClosed(l);
    for (const timer of l.timers) clearTimeout(timer);
    l.timers.clear();
    if (link === l) {
      link = undefined;
      metrics.bound.set(0);
      metrics.windowInUse.set(0);
    }
    if (wasBound) logger.warn({ host: options.host, port: options.port }, 'SMPP session closed');
    scheduleReconnect();
  }

  function bind(l: Link): void {
    const { session } = l;
    const bindTimer = linkTimer(l, options.responseTimeoutMs, () => breakLink(l, `no bind_transceiver_resp within ${options.responseTimeoutMs} ms`, logger));
    const sent = session.bind_transceiver(
      { system_id: options.systemId, password: options.password, system_type: options.systemType ?? '', interface_version: 0x34 },
      (response) => {
        clearTimeout(bindTimer);
        l.timers.delete(bindTimer);
        if (l.closed) return;
        if (response.command_status !== smpp.ESME_ROK) {
          logger.error({ systemId: options.systemId, commandStatus: response.command_status }, 'SMSC refused the bind; retrying with backoff');
          session.destroy();
          return;
        }
        if (options.isStopped()) {
          session.destroy();
          return;
        }
        onBound(l);
      },
    );
    if (!sent) breakLink(l, 'socket not writable', logger);
  }

  function connect(): void {
    if (options.isStopped()) return;
    const session = smpp.connect({ host: options.host, port: options.port });
    // SMPP is small PDUs, each waiting for its answer: Nagle's algorithm held a submit back until the
    // previous one was acknowledged, which cost the window its pace (bench/sms.ts: 10-25 % more SMS/s without it).
    session.socket.setNoDelay(true);
    const l: Link = { session, bound: false, broken: false, closed: false, inFlight: new Set(), timers: new Set() };
    link = l;
    session.on('error', (error: Error) => {
      logger.warn({ err: error, host: options.host, port: options.port }, 'SMPP session error');
      // The library stops reading after a PDU it cannot parse, and a socket error may come without a close: end it either way.
      l.broken = true;
      session.destroy();
    });
    session.on('close', () => onClosed(l));
    const connectTimer = linkTimer(l, options.responseTimeoutMs, () => breakLink(l, `no TCP connection within ${options.responseTimeoutMs} ms`, logger));
    session.once('connect', () => {
      clearTimeout(connectTimer);
      l.timers.delete(connectTimer);
      bind(l);
    });
    session.on('deliver_sm', (pdu: Pdu) => options.onDeliverSm(l, pdu));
    session.on('enquire_link', (pdu: Pdu) => session.send(pdu.response()));
    session.on('unbind', (pdu: Pdu) => {
      // The SMSC is going away (maintenance): answer, close, and come back with the usual backoff.
      logger.warn('SMSC unbound the session');
      l.bound = false;
      session.send(pdu.response(), () => session.destroy());
    });
    session.on('pdu', (pdu: Pdu) => {
      // Requests we do not take (query_sm, data_sm, …) get an answer, so the SMSC's window does not fill.
      if (!pdu.isResponse() && !['deliver_sm', 'enquire_link', 'unbind'].includes(pdu.command)) {
        session.send(pdu.response({ command_status: smpp.ESME_RINVCMDID }));
      }
    });
  }

  async function close(): Promise<void> {
    const l = link;
    if (l === undefined || l.closed) return;
    const closed = new Promise<void>((resolve) => l.session.once('close', () => resolve()));
    if (l.bound) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, options.responseTimeoutMs);
        const sent = l.session.unbind({}, () => {
          clearTimeout(timer);
          resolve();
        });
        if (!sent) {
          clearTimeout(timer);
          resolve();
        }
      });
    }
    l.session.destroy();
    await closed;
    logger.info('SMPP client stopped');
  }

  return {
    connect,
    current: () => link,
    stopReconnecting() {
      if (reconnectTimer !== undefined) clearTimeout(reconnectTimer);
      reconnectTimer = undefined;
    },
    close,
  };
}
