// Every route of this service's API, as one plugin that app.ts mounts behind signature authentication
// and the per-client rate limit (the portal's payment intents included).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { billInquiryRoute } from './bill-inquiry.route.ts';
import { billersRoute } from './billers.route.ts';
import { channelsRoute } from './channels.route.ts';
import { complaintActionRoute } from './complaint-action.route.ts';
import { complaintCreateRoute } from './complaint-create.route.ts';
import { complaintGetRoute } from './complaint-get.route.ts';
import { complaintQueueRoute } from './complaint-queue.route.ts';
import { intentCancelRoute } from './intent-cancel.route.ts';
import { intentConfirmRoute } from './intent-confirm.route.ts';
import { intentCreateRoute } from './intent-create.route.ts';
import { intentGetRoute } from './intent-get.route.ts';
import { intentRefundRoute } from './intent-refund.route.ts';
import { intentsQueueRoute } from './intents-queue.route.ts';
import { intentsSummaryRoute } from './intents-summary.route.ts';
import { paymentNotificationRoute } from './payment-notification.route.ts';
import { paymentSearchRoute } from './payment-search.route.ts';
import { paymentStatusRoute } from './payment-status.route.ts';
import { paymentTimelineRoute } from './payment-timeline.route.ts';
import { reconciliationResolveRoute } from './reconciliation-resolve.route.ts';
import { reconciliationRoute } from './reconciliation.route.ts';
import { reversalRoute } from './reversal.route.ts';
import type { RouteDeps } from './route-deps.ts';
import { settlementRoute } from './settlement.route.ts';

export function paymentRoutes(deps: RouteDeps): FastifyPluginAsyncZod {
  return async (app) => {
    await app.register(billersRoute(deps));
    await app.register(channelsRoute(deps));
    await app.register(billInquiryRoute(deps));
    await app.register(paymentNotificationRoute(deps));
    await app.register(paymentStatusRoute(deps));
    await app.register(reversalRoute(deps));
    await app.register(settlementRoute(deps));
    // Gateway-initiated payments (the citizen portal).
    await app.register(intentCreateRoute(deps));
    await app.register(intentConfirmRoute(deps));
    await app.register(intentCancelRoute(deps));
    await app.register(intentGetRoute(deps));
    // Complaints filed for a customer (channels and the portal).
    await app.register(complaintCreateRoute(deps));
    await app.register(complaintGetRoute(deps));
    // Operators (the console).
    await app.register(intentsSummaryRoute(deps));
    await app.register(intentsQueueRoute(deps));
    await app.register(paymentSearchRoute(deps));
    await app.register(paymentTimelineRoute(deps));
    await app.register(complaintQueueRoute(deps));
    await app.register(complaintActionRoute(deps));
    await app.register(reconciliationRoute(deps));
    await app.register(reconciliationResolveRoute(deps));
    await app.register(intentRefundRoute(deps));
  };
}
