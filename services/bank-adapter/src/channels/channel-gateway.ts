// Every call to a channel goes through here: the operator's switch, then the channel's circuit
// breaker, then its concurrency limit, then the connector, with the HTTP request aborted the moment
// the breaker's timeout fires. A channel that is forced off or whose breaker is open fails the call
// at once, before a slot is taken and before anything leaves the process: that is what makes
// `channel_unavailable` mean "no money moved".
import type { BreakerState } from '@gateway/contracts';
import { createBreakerFactory, isBreakerOpenError, isBreakerTimeout } from '@gateway/kit';
import type { Breaker, BreakerFactory, Logger } from '@gateway/kit';
import { Gauge, Histogram } from 'prom-client';
import type { Registry } from 'prom-client';
import type { ChannelDefinition, ChannelRegistry } from '../domain/channel-registry.ts';
import { isChannelCallError } from '../domain/connector.ts';
import type { CallEffect, ChannelConnector } from '../domain/connector.ts';
import { createConcurrencyLimit } from './concurrency-limit.ts';
import type { ConcurrencyLimit } from './concurrency-limit.ts';
import { createConnector } from './rest-connector.ts';

export type ChannelOperation = 'debit' | 'confirm' | 'inquiry' | 'reversal' | 'settlement';

export type CallOutcome<T> =
  | { ok: true; value: T }
  | {
      ok: false;
      effect: CallEffect;
      // True when the call never left the process (forced off, breaker open): the channel is unavailable.
      rejected: boolean;
      timedOut: boolean;
      // The channel's HTTP status when it answered with a refusal or an error.
      status: number | null;
      message: string;
    };

export type HealthChange = { channelId: string; from: BreakerState; to: BreakerState; at: Date; reason: string | null };

export type ForcedOff = { by: string; at: string; reason: string | null };

export type CallOptions = {
  /**
   * Runs once the call is sure to be attempted (switch on, breaker not open, slot taken), just
   * before the request leaves: the debit flow records "sent" here, so the record and the send are
   * as close together as they can be.
   */
  beforeSend?: () => Promise<void>;
};

export interface ChannelGateway {
  readonly registry: ChannelRegistry;
  definition(channelId: string): ChannelDefinition | undefined;
  /** The state a caller sees: forced_off over the breaker's own state. */
  state(channelId: string): BreakerState;
  states(): Record<string, BreakerState>;
  forcedOff(channelId: string): ForcedOff | null;
  /** Grows with every setForcedOff on the channel: the switch poller's check that nobody switched it during its read. */
  switchVersion(channelId: string): number;
  call<T>(channelId: string, operation: ChannelOperation, work: (connector: ChannelConnector, signal: AbortSignal) => Promise<T>, options?: CallOptions): Promise<CallOutcome<T>>;
  /**
   * Sets (or, with null, clears) this replica's view of the operator's switch; returns the change in
   * the state callers see, if any. The switch itself lives in Redis (see redis-channel-switch-store).
   */
  setForcedOff(channelId: string, forced: ForcedOff | null): HealthChange | null;
  /** Breaker transitions of channels that are not forced off (those are the health events to publish). */
  onHealthChange(listener: (change: HealthChange) => void): () => void;
  shutdown(): void;
}

export type ChannelGatewayOptions = {
  registry: ChannelRegistry;
  logger: Logger;
  metricsRegistry?: Registry | undefined;
  /** Tests hand in connectors of their own; by default each channel's configured class. */
  connectorFor?: ((channel: ChannelDefinition) => ChannelConnector) | undefined;
  breakers?: BreakerFactory | undefined;
};

type Work = (signal: AbortSignal) => Promise<unknown>;

type Lane = { definition: ChannelDefinition; connector: ChannelConnector; breaker: Breaker<[Work], unknown>; limit: ConcurrencyLimit };

const stateValue: Readonly<Record<BreakerState, number>> = { closed: 0, half_open: 1, open: 2, forced_off: 3 };

function metric<T>(registry: Registry | undefined, name: string, create: () => T): T | undefined {
  if (registry === undefined) return undefined;
  return (registry.getSingleMetric(name) as T | undefined) ?? create();
}

export function createChannelGateway(options: ChannelGatewayOptions): ChannelGateway {
  const { registry, logger, metricsRegistry } = options;
  const registers = metricsRegistry ? [metricsRegistry] : [];
  const breakers = options.breakers ?? createBreakerFactory({ logger, ...(metricsRegistry ? { metricsRegistry } : {}) });
  const latency = metric(metricsRegistry, 'channel_call_duration_seconds', () =>
    new Histogram({
      name: 'channel_call_duration_seconds',
      help: 'Calls to a channel by operation and outcome: answered, refused (no effect), unknown, timeout, rejected (failed fast: open or forced off)',
      labelNames: ['channel', 'operation', 'outcome'] as const,
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
  );
  const channelState = metric(metricsRegistry, 'channel_state', () =>
    new Gauge({ name: 'channel_state', help: 'State callers see per channel: 0 closed, 1 half-open, 2 open, 3 forced off', labelNames: ['channel'] as const, registers }),
  );

  const forced = new Map<string, ForcedOff>();
  const switchVersions = new Map<string, number>();
  const listeners = new Set<(change: HealthChange) => void>();
  const lanes = new Map<string, Lane>();

  for (const definition of registry.channels) {
    const { breaker: b } = definition;
    const timeoutMs = b.timeoutMs;
    // The breaker's timer starts before this runs and has the same length, so it fires first and
    // the breaker records a timeout; this abort then cancels the HTTP request it gave up on.
    const runner = async (work: Work): Promise<unknown> => {
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
      try {
        return await work(controller.signal);
      } finally {
        clearTimeout(timer);
      }
    };
    const breaker = breakers.breakerFor<[Work], unknown>(definition.channelId, runner, {
      timeout: timeoutMs,
      errorThresholdPercentage: b.errorThresholdPercentage,
      volumeThreshold: b.volumeThreshold,
      resetTimeout: b.resetTimeoutMs,
      rollingCountTimeout: b.rollingCountTimeoutMs,
    });
    const connector = options.connectorFor?.(definition) ?? createConnector(definition);
    lanes.set(definition.channelId, { definition, connector, breaker, limit: createConcurrencyLimit(definition.concurrency) });
    channelState?.set({ channel: definition.channelId }, 0);
  }

  function emit(change: HealthChange): void {
    channelState?.set({ channel: change.channelId }, stateValue[change.to]);
    for (const listener of listeners) {
      try {
        listener(change);
      } catch (error) {
        logger.error({ err: error, channelId: change.channelId }, 'channel health listener failed');
      }
    }
  }

  breakers.onStateChange((change) => {
    if (!lanes.has(change.name)) return;
    // While forced off, callers see forced_off whatever the breaker does; the breaker's state is
    // announced when the operator switches the channel back on.
    if (forced.has(change.name)) return;
    emit({ channelId: change.name, from: change.from, to: change.to, at: change.at, reason: `circuit breaker ${change.to.replace('_', '-')}` });
  });

  function state(channelId: string): BreakerState {
    if (forced.has(channelId)) return 'forced_off';
    return lanes.get(channelId)?.breaker.state() ?? 'closed';
  }

  return {
    registry,
    definition: (channelId) => lanes.get(channelId)?.definition,
    state,
    states: () => Object.fromEntries([...lanes.keys()].map((id) => [id, state(id)])),
    forcedOff: (channelId) => forced.get(channelId) ?? null,
    switchVersion: (channelId) => switchVersions.get(channelId) ?? 0,

    async call<T>(channelId: string, operation: ChannelOperation, work: (connector: ChannelConnector, signal: AbortSignal) => Promise<T>, callOptions: CallOptions = {}): Promise<CallOutcome<T>> {
      const lane = lanes.get(channelId);
      const started = performance.now();
      const observe = (outcome: string) => latency?.observe({ channel: channelId, operation, outcome }, (performance.now() - started) / 1000);
      if (lane === undefined) return { ok: false, effect: 'none', rejected: true, timedOut: false, status: null, message: `unknown channel ${channelId}` };
      if (forced.has(channelId)) {
        observe('rejected');
        return { ok: false, effect: 'none', rejected: true, timedOut: false, status: null, message: `channel ${channelId} is forced off by an operator` };
      }
      if (lane.breaker.state() === 'open') {
        observe('rejected');
        return { ok: false, effect: 'none', rejected: true, timedOut: false, status: null, message: `circuit breaker ${channelId} is open` };
      }
      return lane.limit.run(async (): Promise<CallOutcome<T>> => {
        // Re-checked: the switch or the breaker may have changed while this call waited for a slot.
        if (forced.has(channelId) || lane.breaker.state() === 'open') {
          observe('rejected');
          return { ok: false, effect: 'none', rejected: true, timedOut: false, status: null, message: `channel ${channelId} became unavailable` };
        }
        await callOptions.beforeSend?.();
        try {
          const value = (await lane.breaker.fire((signal) => work(lane.connector, signal))) as T;
          observe('answered');
          return { ok: true, value };
        } catch (error) {
          if (isBreakerOpenError(error)) {
            observe('rejected');
            return { ok: false, effect: 'none', rejected: true, timedOut: false, status: null, message: `circuit breaker ${channelId} is open` };
          }
          if (isBreakerTimeout(error)) {
            observe('timeout');
            return { ok: false, effect: 'unknown', rejected: false, timedOut: true, status: null, message: `${operation} at ${channelId}: no answer within ${lane.definition.breaker.timeoutMs} ms` };
          }
          if (isChannelCallError(error)) {
            observe(error.timedOut ? 'timeout' : error.effect === 'none' ? 'refused' : 'unknown');
            return { ok: false, effect: error.effect, rejected: false, timedOut: error.timedOut, status: error.status, message: error.message };
          }
          // A bug in a connector is not proof that nothing left: treat it as unknown.
          observe('unknown');
          return { ok: false, effect: 'unknown', rejected: false, timedOut: false, status: null, message: `${operation} at ${channelId}: ${error instanceof Error ? error.message : String(error)}` };
        }
      });
    },

    setForcedOff(channelId, value) {
      if (!lanes.has(channelId)) return null;
      switchVersions.set(channelId, (switchVersions.get(channelId) ?? 0) + 1);
      const before = state(channelId);
      if (value === null) forced.delete(channelId);
      else forced.set(channelId, value);
      const after = state(channelId);
      channelState?.set({ channel: channelId }, stateValue[after]);
      if (before === after) return null;
      return { channelId, from: before, to: after, at: new Date(), reason: value === null ? 'forced on by an operator' : `forced off by ${value.by}${value.reason ? `: ${value.reason}` : ''}` };
    },

    onHealthChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    shutdown() {
      breakers.shutdown();
    },
  };
}
