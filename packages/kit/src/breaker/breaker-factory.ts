// Circuit breakers for outbound calls (one per bank or wallet channel in the bank adapter). A channel
// that is down must fail fast with `channel_unavailable` and no money moved, instead of tying up every
// request for the full timeout; GET /v1/channels shows the state so a portal never offers a dead channel.
import CircuitBreaker from 'opossum';
import { Counter, Gauge } from 'prom-client';
import type { Registry } from 'prom-client';
import type { Logger } from 'pino';

export type BreakerState = 'closed' | 'half_open' | 'open';

export interface BreakerStateChange {
  name: string;
  from: BreakerState;
  to: BreakerState;
  at: Date;
}

export interface BreakerOptions {
  /** A call slower than this counts as a failure (and its result is discarded). Default 3000 ms. */
  timeout?: number;
  /** Failure percentage in the rolling window that opens the breaker. Default 50. */
  errorThresholdPercentage?: number;
  /** How long the breaker stays open before letting one trial call through. Default 10000 ms. */
  resetTimeout?: number;
  /** Calls needed in the window before the percentage counts: one failure of one call must not open it. Default 5. */
  volumeThreshold?: number;
  /** Length of the rolling statistics window. Default 10000 ms. */
  rollingCountTimeout?: number;
  /**
   * Return true for errors that must NOT count against the channel (e.g. a 4xx the channel answered
   * correctly). Business declines should be values, not errors, and never reach here.
   */
  errorFilter?: (error: unknown) => boolean;
}

export interface Breaker<TArgs extends unknown[], TResult> {
  readonly name: string;
  fire(...args: TArgs): Promise<TResult>;
  state(): BreakerState;
}

export interface BreakerFactory {
  /** The breaker named `name`, created on first use; later calls return the same one (their fn and options are ignored). */
  breakerFor<TArgs extends unknown[], TResult>(name: string, fn: (...args: TArgs) => Promise<TResult>, options?: BreakerOptions): Breaker<TArgs, TResult>;
  /** Subscribe to state changes of every breaker; returns the unsubscribe function. */
  onStateChange(listener: (change: BreakerStateChange) => void): () => void;
  /** Every breaker's current state, by name. */
  states(): Record<string, BreakerState>;
  /** Stops the breakers' internal timers (at shutdown). */
  shutdown(): void;
}

export interface BreakerFactoryOptions {
  logger: Logger;
  metricsRegistry?: Registry;
  /** Defaults for every breaker; per-breaker options override them. */
  defaults?: BreakerOptions;
}

export class BreakerOpenError extends Error {
  readonly breaker: string;
  constructor(breaker: string, options?: ErrorOptions) {
    super(`circuit breaker ${breaker} is open`, options);
    this.name = 'BreakerOpenError';
    this.breaker = breaker;
  }
}

/** Whether an error means "not attempted because the breaker is open" (so no money can have moved). */
export function isBreakerOpenError(error: unknown): error is BreakerOpenError {
  return error instanceof BreakerOpenError;
}

export function isBreakerTimeout(error: unknown): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === 'ETIMEDOUT';
}

const stateValue: Readonly<Record<BreakerState, number>> = { closed: 0, half_open: 1, open: 2 };

const builtInDefaults = {
  timeout: 3_000,
  errorThresholdPercentage: 50,
  resetTimeout: 10_000,
  volumeThreshold: 5,
  rollingCountTimeout: 10_000,
} satisfies BreakerOptions;

function metric<T>(registry: Registry | undefined, name: string, create: () => T): T | undefined {
  if (registry === undefined) return undefined;
  return (registry.getSingleMetric(name) as T | undefined) ?? create();
}

export function createBreakerFactory(options: BreakerFactoryOptions): BreakerFactory {
  const { logger, metricsRegistry: registry } = options;
  const registers = registry ? [registry] : [];
  const stateGauge = metric(registry, 'circuit_breaker_state', () => new Gauge({
    name: 'circuit_breaker_state',
    help: 'Circuit breaker state by name: 0 closed, 1 half-open, 2 open',
    labelNames: ['breaker'] as const,
    registers,
  }));
  const calls = metric(registry, 'circuit_breaker_calls_total', () => new Counter({
    name: 'circuit_breaker_calls_total',
    help: 'Calls through a circuit breaker by result: success, failure, timeout, rejected (failed fast while open)',
    labelNames: ['breaker', 'result'] as const,
    registers,
  }));

  const breakers = new Map<string, { circuit: CircuitBreaker; state: BreakerState; facade: Breaker<never, unknown> }>();
  const listeners = new Set<(change: BreakerStateChange) => void>();

  function transition(name: string, to: BreakerState): void {
    const entry = breakers.get(name);
    if (entry === undefined || entry.state === to) return;
    const change: BreakerStateChange = { name, from: entry.state, to, at: new Date() };
    entry.state = to;
    stateGauge?.set({ breaker: name }, stateValue[to]);
    if (to === 'open') logger.warn({ breaker: name, from: change.from }, `circuit breaker ${name} opened: calls fail fast`);
    else logger.info({ breaker: name, from: change.from }, `circuit breaker ${name} is ${to.replace('_', '-')}`);
    for (const listener of listeners) {
      try {
        listener(change);
      } catch (error) {
        logger.error({ err: error, breaker: name }, 'circuit breaker state listener failed');
      }
    }
  }

  function breakerFor<TArgs extends unknown[], TResult>(name: string, fn: (...args: TArgs) => Promise<TResult>, breakerOptions?: BreakerOptions): Breaker<TArgs, TResult> {
    const existing = breakers.get(name);
    if (existing) return existing.facade as unknown as Breaker<TArgs, TResult>;

    const settings = { ...builtInDefaults, ...options.defaults, ...breakerOptions };
    const circuit = new CircuitBreaker<TArgs, TResult>(fn, {
      name,
      timeout: settings.timeout,
      errorThresholdPercentage: settings.errorThresholdPercentage,
      resetTimeout: settings.resetTimeout,
      volumeThreshold: settings.volumeThreshold,
      rollingCountTimeout: settings.rollingCountTimeout,
      ...(settings.errorFilter ? { errorFilter: settings.errorFilter } : {}),
    });
    circuit.on('open', () => transition(name, 'open'));
    circuit.on('halfOpen', () => transition(name, 'half_open'));
    circuit.on('close', () => transition(name, 'closed'));
    circuit.on('success', () => calls?.inc({ breaker: name, result: 'success' }));
    circuit.on('timeout', () => calls?.inc({ breaker: name, result: 'timeout' }));
    // opossum emits 'failure' for timeouts too; they are counted once, as timeouts.
    circuit.on('failure', (error: unknown) => {
      if (!isBreakerTimeout(error)) calls?.inc({ breaker: name, result: 'failure' });
    });
    circuit.on('reject', () => calls?.inc({ breaker: name, result: 'rejected' }));

    const facade: Breaker<TArgs, TResult> = {
      name,
      async fire(...args: TArgs): Promise<TResult> {
        try {
          return await circuit.fire(...args);
        } catch (error) {
          // opossum's own "Breaker is open" error carries code EOPENBREAKER; give callers a type to test for.
          if ((error as NodeJS.ErrnoException | undefined)?.code === 'EOPENBREAKER') throw new BreakerOpenError(name, { cause: error });
          throw error;
        }
      },
      state: () => breakers.get(name)?.state ?? 'closed',
    };
    breakers.set(name, { circuit, state: 'closed', facade });
    stateGauge?.set({ breaker: name }, stateValue.closed);
    return facade;
  }

  return {
    breakerFor,
    onStateChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    states() {
      return Object.fromEntries([...breakers.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([name, entry]) => [name, entry.state]));
    },
    shutdown() {
      for (const { circuit } of breakers.values()) circuit.shutdown();
    },
  };
}
