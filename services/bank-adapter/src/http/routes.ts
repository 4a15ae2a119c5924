// Every route of the adapter's operator API, as one plugin that app.ts mounts behind signature auth.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { channelInsightsRoute } from './channel-insights.route.ts';
import { channelSwitchRoute } from './channel-switch.route.ts';
import { channelsRoute } from './channels.route.ts';
import { debitInquiryRoute } from './debit-inquiry.route.ts';
import type { RouteDeps } from './route-deps.ts';
import { settlementFilesRoute } from './settlement-files.route.ts';

export type { RouteDeps } from './route-deps.ts';

export function adapterRoutes(deps: RouteDeps): FastifyPluginAsyncZod {
  return async (app) => {
    await app.register(channelsRoute(deps));
    await app.register(channelSwitchRoute(deps));
    await app.register(channelInsightsRoute(deps));
    await app.register(debitInquiryRoute(deps));
    await app.register(settlementFilesRoute(deps));
  };
}
