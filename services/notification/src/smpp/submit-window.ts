// The submits: a queue of parts waiting to be written, sent in order as the session, the window of
// unanswered submit_sm, the throttle hold-off and the licence pace allow. Every part written is
// settled by us (its answer, its response timeout, or its session's close), because the smpp library
// never calls a response callback for a PDU whose socket died.
import { performance } from 'node:perf_hooks';
import type { Logger } from '@gateway/kit';
import { breakLink, linkTimer, usable } from './smpp-link.ts';
import type { InFlight, Link } from './smpp-link.ts';
import type { SmppMetrics } from './smpp-metrics.ts';
import { outcomeLabel } from './smpp-metrics.ts';
import { submitFields, submitOutcomeOf } from './smpp-pdus.ts';
import type { OutgoingPart, SubmitOutcome } from './smpp-pdus.ts';

export interface SubmitWindowOptions {
  /** submit_sm PDUs sent and not yet answered, at most this many. */
  window: number;
  /** submit_sm PDUs per second; 0 = unthrottled. Paced evenly, 1000/rate ms apart. */
  ratePerSecond: number;
  /** After a throttled answer, no new submit for this long. */
  throttleBackoffMs: number;
  /** A queued part resolves connection_lost once the client has been unbound this long while it waited. */
  notBoundTimeoutMs: number;
  /** How long a submit_sm may wait for its answer before the session counts as broken. */
  responseTimeoutMs: number;
  logger: Logger;
  metrics: SmppMetrics;
  /** The session's link now, if any. */
  link: () => Link | undefined;
  isStopped: () => boolean;
  /** Submits written and unanswered are kept here while they are (what stop() waits for). */
  busy: Set<Promise<unknown>>;
}

export interface SubmitWindow {
  /** Queues the part; resolves with its outcome, never rejects. */
  submit(part: OutgoingPart): Promise<SubmitOutcome>;
  /** Sends what may be sent now. */
  pump(): void;
  /** The session is bound: queued parts stop counting towards the not-bound timeout. */
  bound(): void;
  /** The link closed: its unanswered submits are connection_lost (the SMSC may have them), queued parts start their not-bound timeout. */
  closed(l: Link): void;
  /** No more sending: every queued part (never written, so the SMSC does not have it) is connection_lost. */
  stop(): void;
}

interface Queued {
  readonly part: OutgoingPart;
  readonly resolve: (outcome: SubmitOutcome) => void;
  /** Armed only while the client is unbound. */
  notBoundTimer?: NodeJS.Timeout;
}

export function createSubmitWindow(options: SubmitWindowOptions): SubmitWindow {
  const { logger, metrics, busy, notBoundTimeoutMs } = options;
  const window = Math.max(1, options.window);
  const intervalMs = options.ratePerSecond > 0 ? 1000 / options.ratePerSecond : 0;
  const queue: Queued[] = [];
  // Pacing is on the monotonic clock: a wall-clock step must not let a burst through.
  let nextSendAt = 0;
  let holdUntil = 0;
  let pumpTimer: NodeJS.Timeout | undefined;

  const isBound = (): boolean => usable(options.link());

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
    while (queue.length > 0 && !options.isStopped()) {
      const l = options.link();
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
    if (options.link() === l) metrics.windowInUse.set(l.inFlight.size);
    metrics.submits.inc({ outcome: outcomeLabel(outcome) });
    if (outcome.status === 'throttled') holdUntil = Math.max(holdUntil, performance.now() + options.throttleBackoffMs);
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
      breakLink(l, 'socket not writable', logger);
      return;
    }
    busy.add(done);
    metrics.windowInUse.set(l.inFlight.size);
    entry.timer = linkTimer(l, options.responseTimeoutMs, () => {
      // An SMSC that stops answering while the socket stays open: the session is of no use any more.
      settle(l, entry, { status: 'connection_lost' });
      breakLink(l, `no submit_sm_resp within ${options.responseTimeoutMs} ms`, logger);
    });
  }

  return {
    submit(part) {
      return new Promise<SubmitOutcome>((resolve) => {
        const item: Queued = { part, resolve };
        queue.push(item);
        if (!isBound()) armNotBound(item);
        pump();
      });
    },
    pump,
    bound() {
      for (const item of queue) disarmNotBound(item);
    },
    closed(l) {
      for (const entry of [...l.inFlight]) settle(l, entry, { status: 'connection_lost' });
      for (const item of queue) armNotBound(item);
    },
    stop() {
      if (pumpTimer !== undefined) clearTimeout(pumpTimer);
      pumpTimer = undefined;
      // Never written: the SMSC does not have them, and nothing will send them now.
      for (const item of queue.splice(0)) {
        disarmNotBound(item);
        metrics.submits.inc({ outcome: 'connection_lost' });
        item.resolve({ status: 'connection_lost' });
      }
    },
  };
}
