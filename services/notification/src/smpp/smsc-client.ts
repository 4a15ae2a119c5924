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
// An outcome of `connection_lost` is ambiguous: the SMSC may have the part. The caller resubmits the
// same part with the same reference (vendor TLV gateway_message_ref, see smpp-pdus.ts), which the
// SMSC deduplicates.
import { performance } from 'node:perf_hooks';
import smpp from 'smpp';
import type { Pdu, Session } from 'smpp';
import { Counter, Gauge } from 'prom-client';
import type { Registry } from 'prom-client';
import type { Logger } from '@gateway/kit';
import { incomingDeliverSmOf, submitFields, submitOutcomeOf } from './smpp-pdus.ts';
import type { IncomingDeliverSm, OutgoingPart, SubmitOutcome } from './smpp-pdus.ts';

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

interface Link {
  readonly session: Session;
  bound: boolean;
  /** Set as soon as we give up on the session, before its close event: nothing more is written to it. */
  broken: boolean;
  closed: boolean;
  readonly inFlight: Set<InFlight>;
  readonly timers: Set<NodeJS.Timeout>;
  enquireInterval?: NodeJS.Timeout;
  enquireDeadline?: NodeJS.Timeout;
}

interface Queued {
  readonly part: OutgoingPart;
  readonly resolve: (outcome: SubmitOutcome) => void;
  /** Armed only while the client is unbound. */
  notBoundTimer?: NodeJS.Timeout;
}

interface InFlight {
  readonly reference: string;
  readonly resolve: (outcome: SubmitOutcome) => void;
  timer?: NodeJS.Timeout;
  settled: boolean;
}

const outcomeLabel = (outcome: SubmitOutcome): string =>
  outcome.status === 'rejected' ? (outcome.permanent ? 'rejected_permanent' : 'rejected_transient') : outcome.status;

function createMetrics(registry: Registry | undefined) {
  const registers = registry === undefined ? [] : [registry];
  return {
    bound: new Gauge({ name: 'smpp_bound', help: '1 while the SMPP session to the SMSC is bound', registers }),
    submits: new Counter({ name: 'smpp_submits_total', help: 'submit_sm outcomes', labelNames: ['outcome'] as const, registers }),
    windowInUse: new Gauge({ name: 'smpp_window_in_use', help: 'submit_sm sent and not yet answered', registers }),
    reconnects: new Counter({ name: 'smpp_reconnects_total', help: 'Connect/bind attempts after the first', registers }),
    deliverSm: new Counter({
      name: 'smpp_deliver_sm_total',
      help: 'deliver_sm received, by kind (receipt, mobile_originated, malformed) and result (acknowledged, retry_later)',
      labelNames: ['kind', 'result'] as const,
      registers,
    }),
  };
}

export function createSmscClient(options: SmscClientOptions): SmscClient {
  const { logger } = options;
  const throttleBackoffMs = options.throttleBackoffMs ?? 1000;
  const notBoundTimeoutMs = options.notBoundTimeoutMs ?? 30_000;
  const stopTimeoutMs = options.stopTimeoutMs ?? 5000;
  const deliverSmTimeoutMs = options.deliverSmTimeoutMs ?? 30_000;
  const random = options.random ?? Math.random;
  const window = Math.max(1, options.window);
  const intervalMs = options.ratePerSecond > 0 ? 1000 / options.ratePerSecond : 0;
  const metrics = createMetrics(options.registry);

  let started = false;
  let stopped = false;
  let stopping: Promise<void> | undefined;
  let link: Link | undefined;
  let failedAttempts = 0;
  let reconnectTimer: NodeJS.Timeout | undefined;
  const queue: Queued[] = [];
  // Pacing is on the monotonic clock: a wall-clock step must not let a burst through.
  let nextSendAt = 0;
  let holdUntil = 0;
  let pumpTimer: NodeJS.Timeout | undefined;
  const boundWaiters = new Set<(bound: boolean) => void>();
  /** Submits written and unanswered, and deliver_sm handlers running: what stop() waits for. */
  const busy = new Set<Promise<unknown>>();

  const usable = (l: Link | undefined): l is Link => l !== undefined && l.bound && !l.broken && !l.closed;
  const isBound = (): boolean => usable(link);

  function linkTimer(l: Link, ms: number, action: () => void): NodeJS.Timeout {
    const timer = setTimeout(() => {
      l.timers.delete(timer);
      action();
    }, ms);
    l.timers.add(timer);
    return timer;
  }

  function breakLink(l: Link, reason: string): void {
    if (l.closed || l.broken) return;
    l.broken = true;
    logger.warn({ reason }, 'SMPP session broken; closing it');
    l.session.destroy();
  }

  // ---- submits -------------------------------------------------------------------------------

  function armNotBound(item: Queued): void {
    if (item.notBoundTimer !== undefined || notBoundTimeoutMs <= 0) return;
    item.notBoundTimer = setTimeout(() => {
      const index = queue.indexOf(item);
      if (index < 0) return;
      queue.splice(index, 1);
      metrics.submits.inc({ outcome: 'connection_lost' });
      item.resolve({ status: 'connection_lost' });
    }, notBoundTimeoutMs);
  }

  function disarmNotBound(item: Queued): void {
    if (item.notBoundTimer === undefined) return;
    clearTimeout(item.notBoundTimer);
    item.notBoundTimer = undefined;
  }

  function schedulePump(delayMs: number): void {
    if (pumpTimer !== undefined) clearTimeout(pumpTimer);
    pumpTimer = setTimeout(() => {
      pumpTimer = undefined;
      pump();
    }, delayMs);
  }

  /** Sends what the session, the window, the throttle hold-off and the pace allow, in order. */
  function pump(): void {
    while (queue.length > 0 && !stopped) {
      const l = link;
      if (!usable(l) || l.inFlight.size >= window) return;
      const now = performance.now();
      const readyAt = Math.max(nextSendAt, holdUntil);
      if (now < readyAt) {
        // Timers may fire a fraction of a millisecond early; the check above catches that and waits again.
        schedulePump(Math.max(1, Math.ceil(readyAt - now)));
        return;
      }
      const item = queue.shift()!;
      disarmNotBound(item);
      nextSendAt = now + intervalMs;
      write(l, item);
    }
  }

  function settle(l: Link, entry: InFlight, outcome: SubmitOutcome): void {
    if (entry.settled) return;
    entry.settled = true;
    if (entry.timer !== undefined) {
      clearTimeout(entry.timer);
      l.timers.delete(entry.timer);
    }
    l.inFlight.delete(entry);
    if (link === l) metrics.windowInUse.set(l.inFlight.size);
    metrics.submits.inc({ outcome: outcomeLabel(outcome) });
    if (outcome.status === 'throttled') holdUntil = Math.max(holdUntil, performance.now() + throttleBackoffMs);
    if (outcome.status === 'rejected') logger.warn({ reference: entry.reference, commandStatus: outcome.commandStatus, permanent: outcome.permanent }, 'submit_sm rejected');
    entry.resolve(outcome);
    pump();
  }

  function write(l: Link, item: Queued): void {
    let resolveDone!: () => void;
    const done = new Promise<void>((resolve) => (resolveDone = resolve));
    const entry: InFlight = {
      reference: item.part.reference,
      settled: false,
      resolve: (outcome) => {
        busy.delete(done);
        resolveDone();
        item.resolve(outcome);
      },
    };
    l.inFlight.add(entry);
    const written = l.session.submit_sm(submitFields(item.part), (response) => settle(l, entry, submitOutcomeOf(response)));
    if (!written) {
      // Never written, so the SMSC cannot have it: back to the front of the queue for the next session.
      l.inFlight.delete(entry);
      queue.unshift(item);
      if (!isBound()) armNotBound(item);
      breakLink(l, 'socket not writable');
      return;
    }
    busy.add(done);
    metrics.windowInUse.set(l.inFlight.size);
    entry.timer = linkTimer(l, options.responseTimeoutMs, () => {
      // An SMSC that stops answering while the socket stays open: the session is of no use any more.
      settle(l, entry, { status: 'connection_lost' });
      breakLink(l, `no submit_sm_resp within ${options.responseTimeoutMs} ms`);
    });
  }

  // ---- deliver_sm ----------------------------------------------------------------------------

  function onDeliverSm(l: Link, pdu: Pdu): void {
    const respond = (commandStatus: number): void => {
      // A closed session cannot take the answer; the SMSC resends what it never saw acknowledged.
      l.session.send(pdu.response(commandStatus === smpp.ESME_ROK ? {} : { command_status: commandStatus }));
    };
    let incoming: IncomingDeliverSm | null;
    try {
      incoming = incomingDeliverSmOf(pdu);
    } catch (error) {
      incoming = null;
      logger.warn({ err: error }, 'deliver_sm could not be read');
    }
    if (incoming === null) {
      // Acknowledged anyway: refusing it would make the SMSC resend the same garbage forever and hold up the receipts behind it.
      logger.warn({ esmClass: pdu['esm_class'], receiptedMessageId: pdu['receipted_message_id'] }, 'unparseable delivery receipt acknowledged and dropped');
      metrics.deliverSm.inc({ kind: 'malformed', result: 'acknowledged' });
      respond(smpp.ESME_ROK);
      return;
    }
    const message = incoming;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`onDeliverSm did not settle within ${deliverSmTimeoutMs} ms`)), deliverSmTimeoutMs);
    });
    const handled = (async () => {
      try {
        await Promise.race([options.onDeliverSm(message), timedOut]);
        metrics.deliverSm.inc({ kind: message.kind, result: 'acknowledged' });
        respond(smpp.ESME_ROK);
      } catch (error) {
        // Temporary application error: the SMSC keeps the message and delivers it again later.
        logger.warn({ err: error, kind: message.kind }, 'deliver_sm handler failed; answering ESME_RX_T_APPN so the SMSC redelivers');
        metrics.deliverSm.inc({ kind: message.kind, result: 'retry_later' });
        respond(smpp.ESME_RX_T_APPN);
      } finally {
        clearTimeout(timer);
      }
    })();
    busy.add(handled);
    void handled.finally(() => busy.delete(handled));
  }

  // ---- the session ---------------------------------------------------------------------------

  function scheduleReconnect(): void {
    if (stopped || reconnectTimer !== undefined) return;
    const base = Math.min(options.reconnect.maxMs, options.reconnect.initialMs * 2 ** failedAttempts);
    // Equal jitter: never less than half the backoff, so a flapping SMSC is not hammered, and spread
    // so that several instances do not reconnect in lockstep.
    const delayMs = Math.round(base / 2 + (random() * base) / 2);
    failedAttempts = Math.min(failedAttempts + 1, 30);
    reconnectTimer = setTimeout(() => {
      reconnectTimer = undefined;
      metrics.reconnects.inc();
      connect();
    }, delayMs);
  }

  function onBound(l: Link): void {
    l.bound = true;
    failedAttempts = 0;
    metrics.bound.set(1);
    metrics.windowInUse.set(0);
    logger.info({ host: options.host, port: options.port }, 'SMPP session bound');
    for (const item of queue) disarmNotBound(item);
    for (const waiter of boundWaiters) waiter(true);
    boundWaiters.clear();
    l.enquireInterval = setInterval(() => {
      if (l.enquireDeadline !== undefined) return;
      const sent = l.session.enquire_link({}, () => {
        if (l.enquireDeadline !== undefined) clearTimeout(l.enquireDeadline);
        l.enquireDeadline = undefined;
      });
      if (!sent) return breakLink(l, 'socket not writable');
      l.enquireDeadline = setTimeout(() => breakLink(l, `no enquire_link_resp within ${options.responseTimeoutMs} ms`), options.responseTimeoutMs);
    }, options.enquireLinkMs);
    pump();
  }

  function onClosed(l: Link): void {
    if (l.closed) return;
    const wasBound = l.bound;
    l.closed = true;
    l.bound = false;
    if (l.enquireInterval !== undefined) clearInterval(l.enquireInterval);
    if (l.enquireDeadline !== undefined) clearTimeout(l.enquireDeadline);
    for (const entry of [...l.inFlight]) settle(l, entry, { status: 'connection_lost' });
    for (const timer of l.timers) clearTimeout(timer);
    l.timers.clear();
    if (link === l) {
      link = undefined;
      metrics.bound.set(0);
      metrics.windowInUse.set(0);
    }
    if (wasBound) logger.warn({ host: options.host, port: options.port }, 'SMPP session closed');
    for (const item of queue) armNotBound(item);
    scheduleReconnect();
  }

  function connect(): void {
    if (stopped) return;
    const session = smpp.connect({ host: options.host, port: options.port });
    const l: Link = { session, bound: false, broken: false, closed: false, inFlight: new Set(), timers: new Set() };
    link = l;
    session.on('error', (error: Error) => {
      logger.warn({ err: error, host: options.host, port: options.port }, 'SMPP session error');
      // The library stops reading after a PDU it cannot parse, and a socket error may come without a close: end it either way.
      l.broken = true;
      session.destroy();
    });
    session.on('close', () => onClosed(l));
    const connectTimer = linkTimer(l, options.responseTimeoutMs, () => breakLink(l, `no TCP connection within ${options.responseTimeoutMs} ms`));
    session.once('connect', () => {
      clearTimeout(connectTimer);
      l.timers.delete(connectTimer);
      const bindTimer = linkTimer(l, options.responseTimeoutMs, () => breakLink(l, `no bind_transceiver_resp within ${options.responseTimeoutMs} ms`));
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
          if (stopped) {
            session.destroy();
            return;
          }
          onBound(l);
        },
      );
      if (!sent) breakLink(l, 'socket not writable');
    });
    session.on('deliver_sm', (pdu: Pdu) => onDeliverSm(l, pdu));
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

  async function boundedWait(promises: Promise<unknown>[], ms: number): Promise<void> {
    if (promises.length === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.allSettled(promises), new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
    clearTimeout(timer);
  }

  async function shutDown(): Promise<void> {
    stopped = true;
    if (reconnectTimer !== undefined) clearTimeout(reconnectTimer);
    reconnectTimer = undefined;
    if (pumpTimer !== undefined) clearTimeout(pumpTimer);
    pumpTimer = undefined;
    // Never written: the SMSC does not have them, and nothing will send them now.
    for (const item of queue.splice(0)) {
      disarmNotBound(item);
      metrics.submits.inc({ outcome: 'connection_lost' });
      item.resolve({ status: 'connection_lost' });
    }
    for (const waiter of boundWaiters) waiter(false);
    boundWaiters.clear();
    await boundedWait([...busy], stopTimeoutMs);
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
    start() {
      if (started || stopped) return;
      started = true;
      connect();
    },
    stop() {
      stopping ??= shutDown();
      return stopping;
    },
    submit(part) {
      if (stopped) return Promise.resolve({ status: 'connection_lost' });
      return new Promise<SubmitOutcome>((resolve) => {
        const item: Queued = { part, resolve };
        queue.push(item);
        if (!isBound()) armNotBound(item);
        pump();
      });
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
