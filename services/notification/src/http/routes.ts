// Every route of notification's operator API, as one plugin that app.ts mounts behind signature auth.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { campaignCancelRoute } from './campaign-cancel.route.ts';
import { campaignCreateRoute } from './campaign-create.route.ts';
import { campaignGetRoute } from './campaign-get.route.ts';
import { campaignListRoute } from './campaign-list.route.ts';
import { campaignPreviewRoute } from './campaign-preview.route.ts';
import { messagesRoute } from './messages.route.ts';
import { optOutsRoute } from './opt-outs.route.ts';
import { paymentMessagesRoute } from './payment-messages.route.ts';
import type { RouteDeps } from './route-deps.ts';

export type { RouteDeps } from './route-deps.ts';

export function notificationRoutes(deps: RouteDeps): FastifyPluginAsyncZod {
  return async (app) => {
    await app.register(campaignCreateRoute(deps));
    await app.register(campaignGetRoute(deps));
    await app.register(campaignListRoute(deps));
    await app.register(campaignCancelRoute(deps));
    await app.register(campaignPreviewRoute(deps));
    await app.register(optOutsRoute(deps));
    await app.register(messagesRoute(deps));
    await app.register(paymentMessagesRoute(deps));
  };
}
