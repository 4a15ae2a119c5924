// POST /v1/campaigns/preview: how many people a segment reaches, before the campaign is created
// (flows/preview-campaign.flow.ts). A POST because a segment may carry 10,000 account numbers, more
// than a query string holds; it changes nothing, so no Idempotency-Key. The segment is checked by the
// very schema campaign creation uses: an empty one is 400 here as it is there.
import { errorResponses, requireOperator, signatureHeadersSchema } from '@gateway/kit';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { previewCampaign } from '../flows/preview-campaign.flow.ts';
import { campaignPreviewSchema, previewCampaignBodySchema } from './campaign-schemas.ts';
import type { RouteDeps } from './route-deps.ts';

export function campaignPreviewRoute(deps: RouteDeps): FastifyPluginAsyncZod {
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugins are async functions
  return async (app) => {
    app.post(
      '/v1/campaigns/preview',
      {
        schema: {
          tags: ['campaigns'],
          summary: 'How many people a campaign segment reaches now',
          description:
            'Operators only. The same segment as POST /v1/campaigns (an empty one must be { "all": true }); counted with the same selection ' +
            'a campaign queues by: recipients (one per mobile, opted-out numbers excluded), optedOut, withoutMobile (accounts with no mobile).',
          headers: signatureHeadersSchema,
          body: previewCampaignBodySchema,
          response: { 200: campaignPreviewSchema, ...errorResponses(400, 401, 403) },
        },
      },
      async (request) => {
        requireOperator(request);
        const { all: _all, ...segment } = request.body.segment;
        return previewCampaign({ db: deps.pool }, segment);
      },
    );
  };
}
