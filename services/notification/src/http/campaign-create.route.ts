// POST /v1/campaigns: an operator schedules a campaign (a text per language, a segment of the bill
// contacts, a start time). Like every state-changing POST it requires an Idempotency-Key
// (docs/api.md): the dashboard's retry after a timeout must not schedule the campaign twice, which
// would text every recipient twice. The campaign and its audit row are written in the key's own transaction, so the
// three commit together or not at all.
//
// The schedule-campaign flow (flows/schedule-campaign.flow.ts) refuses a start time out of range; the
// refusal is thrown here, inside the key's transaction: nothing is stored, so the operator corrects
// the time and may send again under the same key, exactly as for a body the schema refused. The check
// runs after the key is looked up, so the replay of a campaign created a minute before its start still
// replays instead of failing the time check.
import { ApiError, idempotencyHeadersSchema } from '@gateway/contracts';
import { errorResponses, hashRequest, idempotent, operatorActor, requireOperator, sendIdempotent, signatureHeadersSchema } from '@gateway/kit';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { scheduleCampaign } from '../flows/schedule-campaign.flow.ts';
import { campaignProgressSchema, createCampaignBodySchema } from './campaign-schemas.ts';
import type { RouteDeps } from './route-deps.ts';

export function campaignCreateRoute(deps: RouteDeps): FastifyPluginAsyncZod {
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugins are async functions
  return async (app) => {
    app.post(
      '/v1/campaigns',
      {
        schema: {
          tags: ['campaigns'],
          summary: 'Schedule an SMS campaign to a segment of bill holders',
          description:
            'Operators only. Requires Idempotency-Key (docs/api.md rules). Texts: Arabic required, English optional (English-speaking ' +
            'holders get Arabic without it), 1–1,000 characters each. The segment\'s filters are AND-ed; an empty segment must be ' +
            'sent as { "all": true }. startAt: from 5 minutes ago to 60 days ahead, now if left out. Opted-out numbers are skipped.',
          headers: signatureHeadersSchema.extend(idempotencyHeadersSchema.shape),
          body: createCampaignBodySchema,
          response: { 201: campaignProgressSchema, ...errorResponses(400, 401, 403, 409, 422) },
        },
      },
      async (request, reply) => {
        const operator = requireOperator(request);
        const body = request.body;
        const requestHash = request.requestHash ?? hashRequest(request.method, request.url, JSON.stringify(body));
        const now = deps.now?.() ?? new Date();
        const response = await idempotent({ pool: deps.pool, clientId: operator.clientId, key: request.headers['idempotency-key'], requestHash }, async (tx) => {
          const { all: _all, ...segment } = body.segment;
          const result = await scheduleCampaign(
            { tx, now: () => now },
            { operatorId: operatorActor(operator), requestId: request.id, name: body.name, text: { ar: body.text.ar, en: body.text.en ?? null }, segment, startAt: body.startAt },
          );
          // Thrown, not returned: the key's transaction rolls back and nothing is stored.
          if (result.kind === 'refused') throw new ApiError(result.code, result.message, result.details);
          const { campaign } = result;
          request.log.info({ campaignId: campaign.campaignId, startAt: campaign.startAt }, 'campaign scheduled');
          return { status: 201, body: campaign, headers: { location: `/v1/campaigns/${campaign.campaignId}` } };
        });
        return sendIdempotent(reply, response);
      },
    );
  };
}

