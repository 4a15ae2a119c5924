// One TCP connection to the SMSC and what hangs off it: whether it is bound, its submits waiting for
// an answer, its timers. A link is used once: after its close, the session makes a new one.
import type { Logger } from '@gateway/kit';
import type { Session } from 'smpp';
import type { SubmitOutcome } from './smpp-pdus.ts';

export interface Link {
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

/** A submit_sm written to a link and not yet answered. */
export interface InFlight {
  readonly reference: string;
  readonly resolve: (outcome: SubmitOutcome) => void;
  timer?: NodeJS.Timeout;
  settled: boolean;
}

/** Bound, and neither given up on nor closed: submits may be written to it. */
export const usable = (l: Link | undefined): l is Link => l !== undefined && l.bound && !l.broken && !l.closed;

/** A timer that dies with the link (cleared on its close). */
export function linkTimer(l: Link, ms: number, action: () => void): NodeJS.Timeout {
  const timer = setTimeout(() => {
    l.timers.delete(timer);
    action();
  }, ms);
  l.timers.add(timer);
  return timer;
}

/** Gives up on the link: nothing more is written to it, and its close event does the rest. */
export function breakLink(l: Link, reason: string, logger: Logger): void {
  if (l.closed || l.broken) return;
  l.broken = true;
  logger.warn({ reason }, 'SMPP session broken; closing it');
  l.session.destroy();
}
