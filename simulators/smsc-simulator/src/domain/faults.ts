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
}

// Strict: a typo such as `failrate` must be refused, not silently ignored while the test wonders why.
export const controlUpdateSchema = z
  .strictObject({
    failRate: z.number().min(0, 'must be between 0 and 1').max(1, 'must be between 0 and 1'),
    throttle: z.boolean(),
    dropConnection: z.boolean(),
    receiptDelayMs: z.number().int('must be an integer number of milliseconds').min(0).max(3_600_000),
  })
  .partial();
export type ControlUpdate = z.infer<typeof controlUpdateSchema>;

export function defaultControlSettings(receiptDelayMs: number): ControlSettings {
  return { failRate: 0, throttle: false, receiptDelayMs };
}

export function applyControlUpdate(current: ControlSettings, update: ControlUpdate): ControlSettings {
  return {
    failRate: update.failRate ?? current.failRate,
    throttle: update.throttle ?? current.throttle,
    receiptDelayMs: update.receiptDelayMs ?? current.receiptDelayMs,
  };
}

/** True with probability `rate`: random() is in [0, 1), so 1 always and 0 never. */
export function rolls(rate: number, random: RandomSource): boolean {
  return rate > 0 && random() < rate;
}
