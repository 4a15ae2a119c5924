// GET /api/campaigns: campaigns with their progress, newest first, a page at a time. Any role.
import { campaignListSchema } from '@gateway/contracts';
import { errorResponses } from '@gateway/kit';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { listCampaigns, notificationOf } from '../flows/messages.flow.ts';
import { campaignsQuerySchema } from './messages-schemas.ts';
import type { RouteDeps } from './route-deps.ts';
import { requireSignedIn } from './session-guard.ts';

export function campaignsRoute(deps: RouteDeps): FastifyPluginAsyncZod {
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugins are async functions
  return async (app) => {
    app.get(
      '/api/campaigns',
      {
        schema: {
          tags: ['campaigns'],
          summary: 'Campaigns with their progress, newest first',
          querystring: campaignsQuerySchema,
          response: { 200: campaignListSchema, ...errorResponses(400, 401, 503) },
        },
      },
      async (request) => listCampaigns(notificationOf(deps.outboxServices), requireSignedIn(request).operator, request.query),
    );
  };
}
