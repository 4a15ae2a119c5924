// The simulator's HTTP side; it never listens, so tests drive it with inject (main.ts listens). Built
// on the kit's server for request ids, /healthz, /readyz, /metrics and /docs, without the gateway's
// signature auth: it is a test and demo tool, like the channel simulator's /control.
import { createHttpServer, createLogger } from '@gateway/kit';
import type { HttpServer, Logger } from '@gateway/kit';
import { controlReadRoute } from './http/control-read.route.ts';
import { controlResetRoute } from './http/control-reset.route.ts';
import { controlUpdateRoute } from './http/control-update.route.ts';
import { messagesRoute } from './http/messages.route.ts';
import { mobileOriginatedRoute } from './http/mobile-originated.route.ts';
import { partsRoute } from './http/parts.route.ts';
import { statsReadRoute } from './http/stats-read.route.ts';
import { statsResetRoute } from './http/stats-reset.route.ts';
import type { SmscServer } from './smpp/smsc-server.ts';
import type { SmscState } from './store/smsc-state.ts';

export const serviceName = 'smsc-simulator';
export const serviceVersion = '0.1.0';

export interface SmscAppOptions {
  logger?: Logger;
}

export function buildSmscApp(state: SmscState, smsc: SmscServer, options: SmscAppOptions = {}): HttpServer {
  return createHttpServer({
    service: serviceName,
    version: serviceVersion,
    description: 'A simulated telecom SMSC: what it received over SMPP, fault control, and mobile-originated messages.',
    logger: options.logger ?? createLogger({ service: serviceName, level: 'silent' }),
    publicRoutes: [
      messagesRoute(state),
      partsRoute(state),
      controlReadRoute(state),
      controlUpdateRoute(state, smsc),
      controlResetRoute(state),
      statsReadRoute(state),
      statsResetRoute(state),
      mobileOriginatedRoute(smsc),
    ],
  });
}
