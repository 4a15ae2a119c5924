// POST /v1/campaigns/{campaignId}/cancel: stops a campaign that has not finished (the cancel-campaign
// flow: flows/cancel-campaign.flow.ts).
//
// Naturally idempotent (the state is the point), like the adapter's channel switches, so no
// Idempotency-Key: canceling a canceled campaign answers it as it is.
//
// A completed campaign cannot be canceled: 409 `invalid_state` (docs/api.md) with details.reason
// "campaign_completed".
import { ApiError } from '@gateway/contracts';
import { errorResponses, operatorActor, requireOperator, signatureHeadersSchema } from '@gateway/kit';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { cancelCampaign } from '../flows/cancel-campaign.flow.ts';
import { campaignIdParamsSchema, campaignProgressSchema, cancelCampaignBodySchema } from './campaign-schemas.ts';
import type { RouteDeps } from './route-deps.ts';

export function campaignCancelRoute(deps: RouteDeps): FastifyPluginAsyncZod {
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugins are async functions
  return async (app) => {
    app.post(
      '/v1/campaigns/:campaignId/cancel',
      {
        schema: {
          tags: ['campaigns'],
          summary: 'Cancel a campaign: nothing more is queued and its queued messages are suppressed',
          description: 'Canceling a canceled campaign returns it unchanged. A completed campaign: 409 invalid_state with details.reason "campaign_completed".',
          headers: signatureHeadersSchema,
          params: campaignIdParamsSchema,
          body: cancelCampaignBodySchema,
          response: { 200: campaignProgressSchema, ...errorResponses(400, 401, 403, 404, 409) },
        },
      },
      async (request) => {
        const operator = requireOperator(request);
        const { campaignId } = request.params;
        const result = await cancelCampaign(
          { pool: deps.pool, now: () => deps.now?.() ?? new Date() },
          { campaignId, operatorId: operatorActor(operator), reason: request.body?.reason ?? null, requestId: request.id },
        );
        if (result.kind === 'not_found') throw new ApiError('not_found', `No campaign ${campaignId}.`);
        if (result.kind === 'refused') throw new ApiError(result.code, result.message, result.details);
        if (result.kind === 'canceled') request.log.info({ campaignId, from: result.from, suppressed: result.suppressed }, 'campaign canceled');
        return result.campaign;
      },
    );
  };
}
