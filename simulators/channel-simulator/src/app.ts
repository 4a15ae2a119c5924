// One channel's HTTP server; it never listens, so tests drive it with inject (main.ts listens, once
// per channel). Built on the kit's server for request ids, /healthz, /readyz, /metrics and /docs, but
// WITHOUT the gateway's signature auth: a bank or wallet has its own, here a static X-Api-Key.
import { createHttpServer, createLogger } from '@gateway/kit';
import type { HttpServer, Logger } from '@gateway/kit';
import type { Channel } from './domain/channel.ts';
import { channelApi } from './http/channel-api.ts';
import { controlReadRoute } from './http/control-read.route.ts';
import { controlResetRoute } from './http/control-reset.route.ts';
import { controlUpdateRoute } from './http/control-update.route.ts';
import { statsReadRoute } from './http/stats-read.route.ts';
import { transactionsRoute } from './http/transactions.route.ts';
import type { ChannelState } from './store/channel-state.ts';

export const serviceName = 'channel-simulator';
export const serviceVersion = '0.1.0';

export interface SimulatorAppOptions {
  logger?: Logger;
}

export function buildSimulatorApp(channel: Channel, state: ChannelState, options: SimulatorAppOptions = {}): HttpServer {
  // Held (dropped) replies end when the server closes, or shutdown would wait out their 30 s hold.
  const closing = new AbortController();
  const app = createHttpServer({
    service: `${serviceName}:${channel.channelId}`,
    version: serviceVersion,
    description: `${channel.displayName}: a simulated ${channel.kind} channel. Channel API routes take X-Api-Key; /control, /stats and /transactions are open for tests and operators.`,
    logger: options.logger ?? createLogger({ service: serviceName, level: 'silent' }),
    routes: [channelApi({ state, closing: closing.signal })],
    publicRoutes: [controlReadRoute(state), controlUpdateRoute(state), controlResetRoute(state), statsReadRoute(state), transactionsRoute(state)],
  });
  app.addHook('preClose', (done) => {
    closing.abort();
    done();
  });
  return app;
}
