// POST /v1/campaigns/{campaignId}/cancel: stops a campaign that has not finished. Recipients not yet
// queued never will be, and its queued messages become `suppressed` ('campaign canceled'), in one
// transaction with the audit row.
//
// Naturally idempotent (the state is the point), like the adapter's channel switches, so no
// Idempotency-Key: canceling a canceled campaign answers it as it is. Every attempt is audited,
// because every operator action is.
//
// A completed campaign cannot be canceled: 409 `invalid_state` (API.md) with details.reason
// "campaign_completed".
import { ApiError } from '@gateway/contracts';
import { appendAudit, errorResponses, requireOperator, signatureHeadersSchema, withTransaction } from '@gateway/kit';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { cancelCampaign, getCampaignProgress } from '../store/pg-campaign-store.ts';
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
        const now = deps.now?.() ?? new Date();
        const outcome = await withTransaction(deps.pool, async (tx) => {
          const result = await cancelCampaign(tx, campaignId, now);
          if (result.kind === 'not_found') return result;
          await appendAudit(tx, {
            actor: operator.clientId,
            action: 'campaign.cancel',
            target: campaignId,
            detail:
              result.kind === 'canceled'
                ? { changed: true, from: result.from, suppressed: result.suppressed, reason: request.body?.reason ?? null }
                : { changed: false, state: result.kind === 'completed' ? 'completed' : 'canceled', reason: request.body?.reason ?? null },
            requestId: request.id,
          });
          return result;
        });
        if (outcome.kind === 'not_found') throw new ApiError('not_found', `No campaign ${campaignId}.`);
        if (outcome.kind === 'completed') {
          throw new ApiError('invalid_state', `Campaign ${campaignId} has completed: every message was sent, there is nothing to cancel.`, {
            reason: 'campaign_completed',
            state: 'completed',
          });
        }
        if (outcome.kind === 'canceled') request.log.info({ campaignId, from: outcome.from, suppressed: outcome.suppressed }, 'campaign canceled');
        const campaign = await getCampaignProgress(deps.pool, campaignId);
        if (campaign === null) throw new Error(`campaign ${campaignId} vanished after its cancel`);
        return campaign;
      },
    );
  };
}
