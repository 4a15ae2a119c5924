// Every route of this service's API, as one plugin that app.ts mounts behind signature authentication,
// with the per-client rate limit in front of all of them (intents included, when passed in `extra`).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { billInquiryRoute } from './bill-inquiry.route.ts';
import { billersRoute } from './billers.route.ts';
import { channelsRoute } from './channels.route.ts';
import { paymentNotificationRoute } from './payment-notification.route.ts';
import { paymentStatusRoute } from './payment-status.route.ts';
import { registerRateLimit } from './rate-limit.ts';
import { reversalRoute } from './reversal.route.ts';
import type { RouteDeps } from './route-deps.ts';
import { settlementRoute } from './settlement.route.ts';

export type { RouteDeps } from './route-deps.ts';

export function paymentRoutes(deps: RouteDeps, extra: readonly FastifyPluginAsyncZod[] = []): FastifyPluginAsyncZod {
  return async (app) => {
    await registerRateLimit(app, { redis: deps.redis, perMinute: deps.config.RATE_LIMIT_PER_MINUTE });
    await app.register(billersRoute(deps));
    await app.register(channelsRoute(deps));
    await app.register(billInquiryRoute(deps));
    await app.register(paymentNotificationRoute(deps));
    await app.register(paymentStatusRoute(deps));
    await app.register(reversalRoute(deps));
    await app.register(settlementRoute(deps));
    for (const routes of extra) await app.register(routes);
  };
}
