// GET /v1/campaigns/{campaignId}: one campaign and how far it got (recipients queued, messages by
// state). Operators only.
import { ApiError } from '@gateway/contracts';
import { errorResponses, requireOperator, signatureHeadersSchema } from '@gateway/kit';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { getCampaign } from '../flows/get-campaign.flow.ts';
import { campaignIdParamsSchema, campaignProgressSchema } from './campaign-schemas.ts';
import type { RouteDeps } from './route-deps.ts';

export function campaignGetRoute(deps: RouteDeps): FastifyPluginAsyncZod {
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugins are async functions
  return async (app) => {
    app.get(
      '/v1/campaigns/:campaignId',
      {
        schema: {
          tags: ['campaigns'],
          summary: 'A campaign and its progress',
          headers: signatureHeadersSchema,
          params: campaignIdParamsSchema,
          response: { 200: campaignProgressSchema, ...errorResponses(400, 401, 403, 404) },
        },
      },
      async (request) => {
        requireOperator(request);
        const result = await getCampaign({ db: deps.pool }, request.params.campaignId);
        if (result.kind === 'not_found') throw new ApiError('not_found', `No campaign ${request.params.campaignId}.`);
        return result.campaign;
      },
    );
  };
}
