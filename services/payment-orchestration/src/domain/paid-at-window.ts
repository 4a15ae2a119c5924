// When a channel may say it took a payment. A paidAt far in the future (a wrong clock, a typo such as
// 2099) or long past would be recorded as the payment's time and shown to the telecom and on
// statements, so a notification outside the window around our clock is refused as the caller's
// mistake (400 invalid_request naming paidAt) and nothing is recorded.
export interface PaidAtWindow {
  /** How far ahead of our clock paidAt may be (clock skew between the channel and us). */
  maxAheadMs: number;
  /** How long ago paidAt may be (a channel replaying a queue after an outage). */
  maxAgeMs: number;
}

/** Why `paidAt` falls outside the window around `now`, or undefined when it is inside. */
export function paidAtProblem(paidAt: string, now: Date, window: PaidAtWindow): string | undefined {
  const at = Date.parse(paidAt);
  if (Number.isNaN(at)) return undefined; // the timestamp schema names that problem
  if (at > now.getTime() + window.maxAheadMs) {
    return `must not be more than ${Math.round(window.maxAheadMs / 1000)} s after the gateway's clock (${now.toISOString()})`;
  }
  if (at < now.getTime() - window.maxAgeMs) {
    return `must not be more than ${Math.round(window.maxAgeMs / 3_600_000)} h before the gateway's clock (${now.toISOString()})`;
  }
  return undefined;
}
