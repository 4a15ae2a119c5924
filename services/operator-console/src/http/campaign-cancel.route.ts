// POST /api/campaigns/{campaignId}/cancel { reason }: stop a campaign (operator or admin; 403 for a
// viewer before anything is sent). Cancelling a cancelled one answers it unchanged; a completed one
// is notification's 409 invalid_state.
import { campaignProgressSchema } from '@gateway/contracts';
import { errorResponses } from '@gateway/kit';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { cancelCampaign, notificationOf } from '../flows/messages.flow.ts';
import { cancelBodySchema, campaignParamsSchema } from './messages-schemas.ts';
import type { RouteDeps } from './route-deps.ts';
import { requireSignedIn } from './session-guard.ts';

export function campaignCancelRoute(deps: RouteDeps): FastifyPluginAsyncZod {
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugins are async functions
  return async (app) => {
    app.post(
      '/api/campaigns/:campaignId/cancel',
      {
        schema: {
          tags: ['campaigns'],
          summary: 'Cancel a campaign (operator role)',
          params: campaignParamsSchema,
          body: cancelBodySchema,
          response: { 200: campaignProgressSchema, ...errorResponses(400, 401, 403, 404, 409, 503) },
        },
      },
      async (request) =>
        cancelCampaign(notificationOf(deps.outboxServices), requireSignedIn(request).operator, request.params.campaignId, request.body.reason),
    );
  };
}
