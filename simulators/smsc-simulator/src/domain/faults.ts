// The faults a test or an operator turns on at runtime (POST /control). dropConnection is an action,
// not a setting: it closes the sessions bound at that moment and leaves nothing switched on.
import { z } from 'zod';

export type RandomSource = () => number;

export interface ControlSettings {
  /** submit_sm answered ESME_RSYSERR with this probability; nothing is stored. */
  readonly failRate: number;
  /** Every submit_sm answered ESME_RTHROTTLED (the ESME is over its licensed rate). */
  readonly throttle: boolean;
  /** Delay between a submit and its delivery receipt. */
  readonly receiptDelayMs: number;
  /**
   * Delay before each submit_sm_resp. The message is stored at once, so a connection dropped in the
   * meantime leaves the SMSC holding a message whose id the ESME never heard: the ambiguous outcome.
   */
  readonly responseDelayMs: number;
  /** The licence cap: submits over it in the trailing second are answered ESME_RTHROTTLED. 0 = no cap. */
  readonly maxSubmitsPerSecond: number;
  /** Handsets that cannot be reached: their receipts say UNDELIV (message_state 5) instead of DELIVRD. */
  readonly undeliverable: readonly string[];
  /**
   * A hung SMSC: the sockets stay open but no request is answered, enquire_link and binds included.
   * Only the ESME's own keep-alive can tell this from a quiet night.
   */
  readonly silent: boolean;
}

// The forms addressKey treats as one subscriber: +963…, 00963…, 963… (and short codes).
const addressSchema = z.string().regex(/^(\+|00)?\d{1,20}$/, 'must be a number such as +963911000001, 00963911000001 or 963911000001');

// Strict: a typo such as `failrate` must be refused, not silently ignored while the test wonders why.
export const controlUpdateSchema = z
  .strictObject({
    failRate: z.number().min(0, 'must be between 0 and 1').max(1, 'must be between 0 and 1'),
    throttle: z.boolean(),
    dropConnection: z.boolean(),
    receiptDelayMs: z.number().int('must be an integer number of milliseconds').min(0).max(3_600_000),
    responseDelayMs: z.number().int('must be an integer number of milliseconds').min(0).max(600_000),
    maxSubmitsPerSecond: z.number().int('must be an integer').min(0).max(1_000_000),
    undeliverable: z.array(addressSchema).max(10_000),
    silent: z.boolean(),
  })
  .partial();
export type ControlUpdate = z.infer<typeof controlUpdateSchema>;

export function defaultControlSettings(receiptDelayMs: number): ControlSettings {
  return { failRate: 0, throttle: false, receiptDelayMs, responseDelayMs: 0, maxSubmitsPerSecond: 0, undeliverable: [], silent: false };
}

export function applyControlUpdate(current: ControlSettings, update: ControlUpdate): ControlSettings {
  return {
    failRate: update.failRate ?? current.failRate,
    throttle: update.throttle ?? current.throttle,
    receiptDelayMs: update.receiptDelayMs ?? current.receiptDelayMs,
    responseDelayMs: update.responseDelayMs ?? current.responseDelayMs,
    maxSubmitsPerSecond: update.maxSubmitsPerSecond ?? current.maxSubmitsPerSecond,
    undeliverable: update.undeliverable ?? current.undeliverable,
    silent: update.silent ?? current.silent,
  };
}

/** True with probability `rate`: random() is in [0, 1), so 1 always and 0 never. */
export function rolls(rate: number, random: RandomSource): boolean {
  return rate > 0 && random() < rate;
}

/**
 * Events in the trailing second, for the licence cap and the peak the ESME reached. "Trailing second"
 * is (now - 1000 ms, now]: an ESME pacing n per second at exactly 1000/n ms apart never has n + 1 in it.
 */
export interface SecondWindow {
  add(nowMs: number): void;
  count(nowMs: number): number;
}

export function createSecondWindow(): SecondWindow {
  const times: number[] = [];
  let head = 0;
  const prune = (nowMs: number): void => {
    while (head < times.length && times[head]! <= nowMs - 1000) head++;
    // Compact now and then, so a long run does not keep every timestamp it ever saw.
    if (head > 1024 && head * 2 > times.length) {
      times.splice(0, head);
      head = 0;
    }
  };
  return {
    add(nowMs) {
      prune(nowMs);
      times.push(nowMs);
    },
    count(nowMs) {
      prune(nowMs);
      return times.length - head;
    },
  };
}
