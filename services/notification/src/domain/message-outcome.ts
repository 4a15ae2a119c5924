// When a submitted message is decided by its parts' delivery receipts: delivered once every part is
// delivered; failed (or expired) as soon as any part is, even while others are still pending.
export type PartState = { smscMessageId: string; state: string; errorCode: string | null; doneAt: Date | null };

export type MessageOutcome =
  | { kind: 'undecided' }
  | { kind: 'undelivered'; state: 'failed' | 'expired'; part: PartState }
  | { kind: 'delivered'; at: Date; lastPart: PartState };

/**
 * `parts` in order (by part number), `segments` the number the message was sent in. A part without a
 * receipt time counts as done `now`.
 */
export function messageOutcomeOf(parts: readonly PartState[], segments: number | null, now: Date): MessageOutcome {
  if (parts.length < (segments ?? 1)) return { kind: 'undecided' };
  const bad = parts.find((p) => p.state === 'failed' || p.state === 'expired');
  const pending = parts.some((p) => p.state === 'submitted');
  if (bad === undefined && pending) return { kind: 'undecided' };
  if (bad !== undefined) return { kind: 'undelivered', state: bad.state === 'expired' ? 'expired' : 'failed', part: bad };
  const last = parts.reduce((at, p) => Math.max(at, (p.doneAt ?? now).getTime()), 0);
  return { kind: 'delivered', at: new Date(last), lastPart: parts[parts.length - 1]! };
}
