// The faults an operator or a test turns on at runtime (POST /control). Each decision takes the
// random source as an argument, so a test can pin it and a rate of 1 is certain, 0 never.
import { z } from 'zod';

export type RandomSource = () => number;

export type Latency = number | { readonly min: number; readonly max: number };

export interface ControlSettings {
  /** Delay before every API answer, fixed or uniform in [min, max]. */
  readonly latencyMs: Latency;
  /** 500 before any effect: nothing is debited. */
  readonly failureRate: number;
  /** The customer's balance is treated as too low, whatever it is. */
  readonly insufficientFundsRate: number;
  /** The channel declines (its own risk rules, a blocked card); an addition to docs/api.md's list. */
  readonly declineRate: number;
  /** Every API call answers 503 and closes the connection. */
  readonly outage: boolean;
  /** The debit (or confirm) is committed, then the reply never comes: the nasty one. */
  readonly dropReplyRate: number;
  /**
   * 0: off. Otherwise a new debit is queued, its reply never comes, and the channel acts on it this
   * many ms later (as if it arrived then); until then a status inquiry answers not_found. A bank that
   * processes its queue late: why "not found" after a timeout proves nothing for a while.
   */
  readonly queueDebitsMs: number;
  /** A reversal is refused (422 `reversal_refused`, nothing credited): the channel's own rules. */
  readonly reversalRefusalRate: number;
  /**
   * The settlement file says something other than what the channel did, so reconciliation has
   * something to find: rows of these references are left out, these references' rows state another
   * amount, and these rows are added (a debit nobody asked for, or a reversal that never happened).
   */
  readonly settlementOmit: readonly string[];
  readonly settlementAmounts: Readonly<Record<string, number>>;
  readonly settlementExtraRows: readonly SettlementExtraRow[];
}

export interface SettlementExtraRow {
  readonly reference: string;
  readonly amount: number;
  readonly status: 'succeeded' | 'reversed';
}

export const defaultControlSettings: ControlSettings = {
  latencyMs: 0,
  failureRate: 0,
  insufficientFundsRate: 0,
  declineRate: 0,
  outage: false,
  dropReplyRate: 0,
  queueDebitsMs: 0,
  reversalRefusalRate: 0,
  settlementOmit: [],
  settlementAmounts: {},
  settlementExtraRows: [],
};

const rate = z.number().min(0, 'must be between 0 and 1').max(1, 'must be between 0 and 1');
const reference = z.string().min(1).max(128);
const amount = z.number().int('must be an integer number of minor units').positive().max(Number.MAX_SAFE_INTEGER);
const millis = z.number().int('must be an integer number of milliseconds').min(0).max(600_000);

// Strict: a typo such as `failurerate` must be refused, not silently ignored while the test wonders
// why no failure happens.
export const controlUpdateSchema = z
  .strictObject({
    latencyMs: z.union([millis, z.strictObject({ min: millis, max: millis }).refine((l) => l.min <= l.max, 'min must not exceed max')]),
    failureRate: rate,
    insufficientFundsRate: rate,
    declineRate: rate,
    outage: z.boolean(),
    dropReplyRate: rate,
    queueDebitsMs: millis,
    reversalRefusalRate: rate,
    settlementOmit: z.array(reference).max(1000),
    settlementAmounts: z.record(reference, amount).refine((m) => Object.keys(m).length <= 1000, 'at most 1000 references'),
    settlementExtraRows: z.array(z.strictObject({ reference, amount, status: z.enum(['succeeded', 'reversed']).default('succeeded') })).max(1000),
  })
  .partial();
export type ControlUpdate = z.infer<typeof controlUpdateSchema>;

export function applyControlUpdate(current: ControlSettings, update: ControlUpdate): ControlSettings {
  const next: { -readonly [K in keyof ControlSettings]: ControlSettings[K] } = { ...current };
  for (const [key, value] of Object.entries(update) as [keyof ControlSettings, ControlSettings[keyof ControlSettings] | undefined][]) {
    if (value !== undefined) (next as Record<string, unknown>)[key] = value;
  }
  return next;
}

/** True with probability `rate`: random() is in [0, 1), so 1 always and 0 never. */
export function rolls(rate: number, random: RandomSource): boolean {
  return rate > 0 && random() < rate;
}

export function latencyFor(settings: ControlSettings, random: RandomSource): number {
  const latency = settings.latencyMs;
  if (typeof latency === 'number') return latency;
  return latency.min + Math.floor(random() * (latency.max - latency.min + 1));
}

/** What happens to the money once the channel decides to act on a debit (bank: on arrival; wallet: on confirm). */
export type MoneyDecision = 'proceed' | 'declined' | 'insufficient_funds';

export function moneyDecision(settings: ControlSettings, random: RandomSource): MoneyDecision {
  if (rolls(settings.declineRate, random)) return 'declined';
  if (rolls(settings.insufficientFundsRate, random)) return 'insufficient_funds';
  return 'proceed';
}
