// GET /api/campaigns/{campaignId}: one campaign's progress (the screen polls it while it sends). Any role.
import { campaignProgressSchema } from '@gateway/contracts';
import { errorResponses } from '@gateway/kit';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { getCampaign, notificationOf } from '../flows/messages.flow.ts';
import { campaignParamsSchema } from './messages-schemas.ts';
import type { RouteDeps } from './route-deps.ts';
import { requireSignedIn } from './session-guard.ts';

export function campaignGetRoute(deps: RouteDeps): FastifyPluginAsyncZod {
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugins are async functions
  return async (app) => {
    app.get(
      '/api/campaigns/:campaignId',
      {
        schema: {
          tags: ['campaigns'],
          summary: "One campaign's progress",
          params: campaignParamsSchema,
          response: { 200: campaignProgressSchema, ...errorResponses(400, 401, 404, 503) },
        },
      },
      async (request) => getCampaign(notificationOf(deps.outboxServices), requireSignedIn(request).operator, request.params.campaignId),
    );
  };
}
