// Everything the browser reaches, as one plugin app.ts mounts: cookies, the security headers, the
// /api routes behind the session guard, and the SPA.
import fastifyCookie from '@fastify/cookie';
import fastifyHelmet from '@fastify/helmet';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { adoptionRoute } from './adoption.route.ts';
import { campaignCancelRoute } from './campaign-cancel.route.ts';
import { campaignCreateRoute } from './campaign-create.route.ts';
import { campaignGetRoute } from './campaign-get.route.ts';
import { campaignPreviewRoute } from './campaign-preview.route.ts';
import { campaignsRoute } from './campaigns.route.ts';
import { channelSwitchRoute } from './channel-switch.route.ts';
import { auditRoute } from './audit.route.ts';
import { channelsRoute } from './channels.route.ts';
import { channelDetailsRoute } from './channel-details.route.ts';
import { collectionsRoute } from './collections.route.ts';
import { intentsRoute } from './intents.route.ts';
import { intentRefundRoute } from './intent-refund.route.ts';
import { complaintActionRoute } from './complaint-action.route.ts';
import { complaintsRoute } from './complaints.route.ts';
import { reconciliationResolveRoute } from './reconciliation-resolve.route.ts';
import { reconciliationRoute } from './reconciliation.route.ts';
import { deadLetterReplayRoute } from './dead-letter-replay.route.ts';
import { deadLettersRoute } from './dead-letters.route.ts';
import { feeOrdersRoute } from './fee-orders.route.ts';
import { messagesRoute } from './messages.route.ts';
import { optOutsRoute } from './opt-outs.route.ts';
import { outboxParkedRoute } from './outbox-parked.route.ts';
import { outboxReplayRoute } from './outbox-replay.route.ts';
import { overviewRoute } from './overview.route.ts';
import { overviewStreamRoute } from './overview-stream.route.ts';
import { paymentSearchRoute } from './payment-search.route.ts';
import { paymentTimelineRoute } from './payment-timeline.route.ts';
import type { RouteDeps } from './route-deps.ts';
import { sessionCreateRoute } from './session-create.route.ts';
import { sessionDeleteRoute } from './session-delete.route.ts';
import { sessionGetRoute } from './session-get.route.ts';
import { sessionGuard } from './session-guard.ts';
import { settingsRoute } from './settings.route.ts';
import { spaRoute } from './spa.route.ts';

export type { RouteDeps } from './route-deps.ts';

export function consoleRoutes(deps: RouteDeps): FastifyPluginAsyncZod {
  return async (app) => {
    await app.register(fastifyCookie);
    // Same origin only: no inline script or style, nothing from elsewhere, never framed (clickjacking
    // of the force-off button), no referrer leaving the console.
    await app.register(fastifyHelmet, {
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          fontSrc: ["'self'"],
          connectSrc: ["'self'"],
          objectSrc: ["'none'"],
          baseUri: ["'self'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
        },
      },
      frameguard: { action: 'deny' },
      referrerPolicy: { policy: 'no-referrer' },
      // Plain HTTP on 127.0.0.1 locally: HSTS only makes sense where the console is served over HTTPS.
      strictTransportSecurity: deps.cookieSecure,
    });
    await app.register(fastifyStatic, { root: deps.webDistDir, serve: false });

    await app.register(async (api) => {
      api.addHook('onRequest', sessionGuard(deps));
      await api.register(sessionCreateRoute(deps));
      await api.register(sessionGetRoute());
      await api.register(sessionDeleteRoute(deps));
      await api.register(channelsRoute(deps));
      await api.register(channelSwitchRoute(deps));
      await api.register(channelDetailsRoute(deps));
      await api.register(intentsRoute(deps));
      await api.register(intentRefundRoute(deps));
      await api.register(reconciliationRoute(deps));
      await api.register(reconciliationResolveRoute(deps));
      await api.register(complaintsRoute(deps));
      await api.register(complaintActionRoute(deps));
      await api.register(outboxParkedRoute(deps));
      await api.register(outboxReplayRoute(deps));
      await api.register(paymentSearchRoute(deps));
      await api.register(paymentTimelineRoute(deps));
      await api.register(overviewRoute(deps));
      await api.register(overviewStreamRoute(deps));
      await api.register(deadLettersRoute(deps));
      await api.register(deadLetterReplayRoute(deps));
      await api.register(messagesRoute(deps));
      await api.register(optOutsRoute(deps));
      await api.register(campaignsRoute(deps));
      await api.register(campaignGetRoute(deps));
      await api.register(campaignPreviewRoute(deps));
      await api.register(campaignCreateRoute(deps));
      await api.register(campaignCancelRoute(deps));
      await api.register(auditRoute(deps));
      await api.register(settingsRoute(deps));
      await api.register(adoptionRoute(deps));
      await api.register(collectionsRoute(deps));
      await api.register(feeOrdersRoute(deps));
    });
    await app.register(spaRoute(deps));
  };
}
