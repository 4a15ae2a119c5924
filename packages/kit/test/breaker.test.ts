// Fastify plugins, handlers and opossum actions are async by contract even where a body has nothing to await.
/* eslint-disable @typescript-eslint/require-await */
import { afterEach, describe, expect, it } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { Registry } from 'prom-client';
import { createBreakerFactory, isBreakerOpenError, isBreakerTimeout } from '../src/breaker/index.ts';
import type { BreakerFactory, BreakerStateChange } from '../src/breaker/index.ts';
import { createLogger } from '../src/logger/index.ts';

const logger = createLogger({ service: 'kit-breaker-test', level: 'silent' });
const fast = { timeout: 200, errorThresholdPercentage: 50, resetTimeout: 150, volumeThreshold: 3, rollingCountTimeout: 1_000 };

// A stand-in for a channel: the breaker never knows it is not a bank.
function channel() {
  const state = { calls: 0, failing: true };
  const call = async (amount: number): Promise<string> => {
    state.calls += 1;
    if (state.failing) throw new Error('bank answered 502');
    return `debited ${amount}`;
  };
  return { state, call };
}

describe('createBreakerFactory', () => {
  let factory: BreakerFactory;
  afterEach(() => factory.shutdown());

  it('returns the same breaker for the same name', () => {
    factory = createBreakerFactory({ logger });
    const a = factory.breakerFor('bank-alpha', channel().call, fast);
    expect(factory.breakerFor('bank-alpha', channel().call)).toBe(a);
    expect(factory.breakerFor('wallet-one', channel().call)).not.toBe(a);
  });

  it('opens after failures, fails fast while open, half-opens after resetTimeout and closes on success', async () => {
    const registry = new Registry();
    factory = createBreakerFactory({ logger, metricsRegistry: registry });
    const changes: BreakerStateChange[] = [];
    factory.onStateChange((change) => changes.push(change));
    const bank = channel();
    const breaker = factory.breakerFor('bank-alpha', bank.call, fast);

    for (let i = 0; i < 3; i++) await expect(breaker.fire(100)).rejects.toThrow('bank answered 502');
    expect(breaker.state()).toBe('open');
    expect(factory.states()).toEqual({ 'bank-alpha': 'open' });

    // While open, nothing reaches the bank: no money can move.
    const callsWhenOpened = bank.state.calls;
    const refused = await breaker.fire(100).catch((error: unknown) => error);
    expect(isBreakerOpenError(refused)).toBe(true);
    expect(bank.state.calls).toBe(callsWhenOpened);

    await sleep(fast.resetTimeout + 50);
    expect(breaker.state()).toBe('half_open');

    bank.state.failing = false;
    await expect(breaker.fire(250)).resolves.toBe('debited 250');
    expect(breaker.state()).toBe('closed');
    expect(changes.map((c) => `${c.from}->${c.to}`)).toEqual(['closed->open', 'open->half_open', 'half_open->closed']);
    expect(changes.every((c) => c.name === 'bank-alpha')).toBe(true);

    const metrics = await registry.metrics();
    expect(metrics).toContain('circuit_breaker_state{breaker="bank-alpha"} 0');
    expect(metrics).toContain('circuit_breaker_calls_total{breaker="bank-alpha",result="failure"} 3');
    expect(metrics).toContain('circuit_breaker_calls_total{breaker="bank-alpha",result="rejected"} 1');
    expect(metrics).toContain('circuit_breaker_calls_total{breaker="bank-alpha",result="success"} 1');
  });

  it('re-opens when the trial call in half-open fails', async () => {
    factory = createBreakerFactory({ logger });
    const bank = channel();
    const breaker = factory.breakerFor('wallet-one', bank.call, fast);
    for (let i = 0; i < 3; i++) await breaker.fire(1).catch(() => undefined);
    await sleep(fast.resetTimeout + 50);
    expect(breaker.state()).toBe('half_open');
    await expect(breaker.fire(1)).rejects.toThrow('bank answered 502');
    expect(breaker.state()).toBe('open');
  });

  it('counts a slow call as a timeout, separately from failures', async () => {
    const registry = new Registry();
    factory = createBreakerFactory({ logger, metricsRegistry: registry });
    const breaker = factory.breakerFor('wallet-two', () => sleep(500, 'late', { ref: false }), { ...fast, timeout: 50 });
    const error = await breaker.fire().catch((e: unknown) => e);
    expect(isBreakerTimeout(error)).toBe(true);
    const metrics = await registry.metrics();
    expect(metrics).toContain('circuit_breaker_calls_total{breaker="wallet-two",result="timeout"} 1');
    expect(metrics).not.toContain('result="failure"');
  });

  it('does not count errors the filter excuses', async () => {
    factory = createBreakerFactory({ logger });
    const breaker = factory.breakerFor(
      'bank-beta',
      async () => {
        throw Object.assign(new Error('400 from channel'), { status: 400 });
      },
      { ...fast, errorFilter: (e) => (e as { status?: number }).status === 400 },
    );
    for (let i = 0; i < 5; i++) await breaker.fire().catch(() => undefined);
    expect(breaker.state()).toBe('closed');
  });

  it('a listener that throws does not break the breaker', async () => {
    factory = createBreakerFactory({ logger });
    const unsubscribe = factory.onStateChange(() => {
      throw new Error('listener bug');
    });
    const breaker = factory.breakerFor('bank-gamma', channel().call, fast);
    for (let i = 0; i < 3; i++) await breaker.fire(1).catch(() => undefined);
    expect(breaker.state()).toBe('open');
    unsubscribe();
  });
});
