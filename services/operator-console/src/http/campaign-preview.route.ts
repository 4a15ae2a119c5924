// POST /api/campaigns/preview { segment }: how many people the segment reaches now (notification
// counts it with the selection the campaign would queue by). Any role: it changes nothing. The
// segment is checked by the contracts' schema first, so an empty one is a 400 without a call.
import { campaignPreviewSchema, previewCampaignBodySchema } from '@gateway/contracts';
import { errorResponses } from '@gateway/kit';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { notificationOf, previewCampaign } from '../flows/messages.flow.ts';
import type { RouteDeps } from './route-deps.ts';
import { requireSignedIn } from './session-guard.ts';

export function campaignPreviewRoute(deps: RouteDeps): FastifyPluginAsyncZod {
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugins are async functions
  return async (app) => {
    app.post(
      '/api/campaigns/preview',
      {
        schema: {
          tags: ['campaigns'],
          summary: 'How many people a campaign segment reaches',
          body: previewCampaignBodySchema,
          response: { 200: campaignPreviewSchema, ...errorResponses(400, 401, 403, 503) },
        },
      },
      async (request) => previewCampaign(notificationOf(deps.outboxServices), requireSignedIn(request).operator, request.body),
    );
  };
}
