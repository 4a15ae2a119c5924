// The ESME side of SMPP 3.4 towards the telecom's SMSC: one bind_transceiver session, kept up forever
// (reconnect with exponential backoff and jitter), submits paced to the licence rate and limited to a
// window of unanswered PDUs, and deliver_sm (receipts, mobile-originated messages) handed to the
// caller before they are acknowledged.
//
// Nothing here may hang: the smpp library never calls a response callback for a PDU whose socket
// died, so every submit in flight is settled by us, on the session's close, on its own response
// timeout, or when the library could not even write it. A silent peer is caught by enquire_link with a
// response timeout (the library's own auto_enquire_link has none).
//
// The parts: smpp-session.ts (connect, bind, enquire_link, reconnect with backoff), submit-window.ts
// (the queue, the window, the pace and the throttle hold-off), deliver-sm.ts (receipts and MO
// messages, acknowledged once handled), smpp-metrics.ts; this file puts them together and stops them.
//
// An outcome of `connection_lost` is ambiguous: the SMSC may have the part. The caller resubmits the
// same part with the same reference (vendor TLV gateway_message_ref, see smpp-pdus.ts), which the
// SMSC deduplicates.
import type { Registry } from 'prom-client';
import type { Logger } from '@gateway/kit';
import { answerDeliverSm } from './deliver-sm.ts';
import { usable } from './smpp-link.ts';
import { createSmppMetrics } from './smpp-metrics.ts';
import type { IncomingDeliverSm, OutgoingPart, SubmitOutcome } from './smpp-pdus.ts';
import { createSmppSession } from './smpp-session.ts';
import { createSubmitWindow } from './submit-window.ts';

export type { IncomingDeliverSm, OutgoingPart, SubmitOutcome } from './smpp-pdus.ts';

export interface SmscClientOptions {
  host: string;
  port: number;
  systemId: string;
  password: string;
  systemType?: string;
  /** Window: submit_sm PDUs sent and not yet answered, at most this many (e.g. 10). */
  window: number;
  /** submit_sm PDUs per second the SMSC licence allows; 0 = unthrottled. Paced evenly, 1000/rate ms apart. */
  ratePerSecond: number;
  /** Keep-alive period; an enquire_link unanswered within responseTimeoutMs means a dead link. */
  enquireLinkMs: number;
  /** How long connect, bind, enquire_link and each submit_sm may wait for their answer before the session counts as broken. */
  responseTimeoutMs: number;
  /** Backoff between connect/bind attempts: exponential from initialMs up to maxMs, with jitter, forever until stop(). */
  reconnect: { initialMs: number; maxMs: number };
  logger: Logger;
  /** Metrics go here (one client per registry: the names are fixed). */
  registry?: Registry;
  /** Resolves once the message is safely stored; only then is the deliver_sm acknowledged. Throwing makes the SMSC redeliver later. */
  onDeliverSm: (message: IncomingDeliverSm) => Promise<void>;
  /** After a throttled answer, no new submit for this long (default 1000 ms): the SMSC says we are over the licence rate. */
  throttleBackoffMs?: number;
  /** A queued submit resolves connection_lost once the client has been unbound this long while it waited (default 30 s). */
  notBoundTimeoutMs?: number;
  /**
   * An onDeliverSm that has not settled after this long is answered ESME_RX_T_APPN (default 30 s): a
   * handler stuck on a dead database must not hold the SMSC's deliver_sm window forever.
   */
  deliverSmTimeoutMs?: number;
  /** How long stop() waits for submits in flight and deliver_sm handlers before closing anyway (default 5 s). */
  stopTimeoutMs?: number;
  /** For the reconnect jitter; tests may pin it. */
  random?: () => number;
}

export interface SmscClient {
  /** Connects and binds in the background, and reconnects forever until stop(). */
  start(): void;
  /** Stops reconnecting, waits (bounded) for submits in flight, unbinds and closes. */
  stop(): Promise<void>;
  /** Waits for a bound session, a free window slot and the pace; never rejects for SMPP reasons. */
  submit(part: OutgoingPart): Promise<SubmitOutcome>;
  isBound(): boolean;
  whenBound(timeoutMs: number): Promise<boolean>;
}

async function boundedWait(promises: Promise<unknown>[], ms: number): Promise<void> {
  if (promises.length === 0) return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([Promise.allSettled(promises), new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

export function createSmscClient(options: SmscClientOptions): SmscClient {
  const { logger } = options;
  const stopTimeoutMs = options.stopTimeoutMs ?? 5000;
  const metrics = createSmppMetrics(options.registry);

  let started = false;
  let stopped = false;
  let stopping: Promise<void> | undefined;
  const isStopped = (): boolean => stopped;
  const boundWaiters = new Set<(bound: boolean) => void>();
  /** Submits written and unanswered, and deliver_sm handlers running: what stop() waits for. */
  const busy = new Set<Promise<unknown>>();

  const submits = createSubmitWindow({
    window: options.window,
    ratePerSecond: options.ratePerSecond,
    throttleBackoffMs: options.throttleBackoffMs ?? 1000,
    notBoundTimeoutMs: options.notBoundTimeoutMs ?? 30_000,
    responseTimeoutMs: options.responseTimeoutMs,
    logger,
    metrics,
    link: () => session.current(),
    isStopped,
    busy,
  });

  const session = createSmppSession({
    host: options.host,
    port: options.port,
    systemId: options.systemId,
    password: options.password,
    systemType: options.systemType,
    enquireLinkMs: options.enquireLinkMs,
    responseTimeoutMs: options.responseTimeoutMs,
    reconnect: options.reconnect,
    random: options.random ?? Math.random,
    logger,
    metrics,
    isStopped,
    onBound() {
      submits.bound();
      for (const waiter of boundWaiters) waiter(true);
      boundWaiters.clear();
      submits.pump();
    },
    onClosed: (l) => submits.closed(l),
    onDeliverSm: (l, pdu) =>
      answerDeliverSm(l.session, pdu, { logger, metrics, onDeliverSm: options.onDeliverSm, timeoutMs: options.deliverSmTimeoutMs ?? 30_000, busy }),
  });

  const isBound = (): boolean => usable(session.current());

  async function shutDown(): Promise<void> {
    stopped = true;
    session.stopReconnecting();
    submits.stop();
    for (const waiter of boundWaiters) waiter(false);
    boundWaiters.clear();
    await boundedWait([...busy], stopTimeoutMs);
    await session.close();
  }

  return {
    start() {
      if (started || stopped) return;
      started = true;
      session.connect();
    },
    stop() {
      stopping ??= shutDown();
      return stopping;
    },
    submit(part) {
      if (stopped) return Promise.resolve({ status: 'connection_lost' });
      return submits.submit(part);
    },
    isBound,
    whenBound(timeoutMs) {
      if (isBound()) return Promise.resolve(true);
      if (stopped) return Promise.resolve(false);
      return new Promise<boolean>((resolve) => {
        const waiter = (bound: boolean): void => {
          clearTimeout(timer);
          boundWaiters.delete(waiter);
          resolve(bound);
        };
        const timer = setTimeout(() => waiter(false), timeoutMs);
        boundWaiters.add(waiter);
      });
    },
  };
}
