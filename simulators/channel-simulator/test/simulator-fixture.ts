// Builds one simulated channel for a test: config as main.ts would read it, a controllable clock and
// random source, and helpers to call it by inject or over real HTTP on an ephemeral port.
import type { AddressInfo } from 'node:net';
import type { HttpServer } from '@gateway/kit';
import { buildSimulatorApp } from '../src/app.ts';
import { channelSchema } from '../src/domain/channel.ts';
import type { Channel } from '../src/domain/channel.ts';
import { createChannelState } from '../src/store/channel-state.ts';
import type { ChannelState } from '../src/store/channel-state.ts';

export const API_KEY = 'test-api-key-0123';

export interface SimulatorFixture {
  channel: Channel;
  state: ChannelState;
  app: HttpServer;
  clock: { now: Date };
  /** Listens on an ephemeral port and returns the base URL (for tests that need a real socket). */
  listen(): Promise<string>;
  close(): Promise<void>;
}

export function simulator(overrides: Record<string, unknown> = {}, random?: () => number): SimulatorFixture {
  const parsed = channelSchema.parse({
    channelId: 'bank-alpha',
    kind: 'bank',
    port: 4001,
    apiKey: API_KEY,
    dedupesByReference: true,
    currency: 'SYP',
    ...overrides,
  });
  const channel: Channel = { ...parsed, displayName: parsed.displayName ?? parsed.channelId };
  const clock = { now: new Date() };
  const state = createChannelState(channel, { clock: () => clock.now, ...(random === undefined ? {} : { random }) });
  const app = buildSimulatorApp(channel, state);
  return {
    channel,
    state,
    app,
    clock,
    async listen() {
      await app.listen({ host: '127.0.0.1', port: 0 });
      const address = app.server.address() as AddressInfo;
      return `http://127.0.0.1:${address.port}`;
    },
    close: () => app.close(),
  };
}

export const bank = (overrides: Record<string, unknown> = {}): SimulatorFixture => simulator(overrides);
export const wallet = (overrides: Record<string, unknown> = {}): SimulatorFixture =>
  simulator({ channelId: 'wallet-one', kind: 'wallet', port: 4002, ...overrides });

let counter = 0;
export function uniqueReference(): string {
  counter += 1;
  return `ref-${process.pid}-${Date.now()}-${counter}`;
}

export function debitBody(payer: { msisdn?: string; accountNo?: string }, amount = 12_500, reference = uniqueReference()) {
  return { reference, payer, amount: { amount, currency: 'SYP' }, description: 'Landline bill 2026-09/10' };
}

export const keyHeader = { 'x-api-key': API_KEY };
