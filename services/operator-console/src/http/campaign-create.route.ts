// POST /api/campaigns: create a campaign (operator or admin; 403 for a viewer before anything is
// sent). The body is checked by the contracts' schema notification uses, so a bad form is a 400
// here. Idempotency-Key: the UUID the browser made when the form opened (flows/messages.flow.ts).
import { campaignProgressSchema, createCampaignBodySchema } from '@gateway/contracts';
import { errorResponses } from '@gateway/kit';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { createCampaign, notificationOf } from '../flows/messages.flow.ts';
import { campaignCreateHeadersSchema } from './messages-schemas.ts';
import type { RouteDeps } from './route-deps.ts';
import { requireSignedIn } from './session-guard.ts';

export function campaignCreateRoute(deps: RouteDeps): FastifyPluginAsyncZod {
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugins are async functions
  return async (app) => {
    app.post(
      '/api/campaigns',
      {
        schema: {
          tags: ['campaigns'],
          summary: 'Create an SMS campaign (operator role)',
          headers: campaignCreateHeadersSchema,
          body: createCampaignBodySchema,
          response: { 201: campaignProgressSchema, ...errorResponses(400, 401, 403, 409, 422, 503) },
        },
      },
      async (request, reply) => {
        const { operator } = requireSignedIn(request);
        const campaign = await createCampaign(notificationOf(deps.outboxServices), operator, request.body, request.headers['idempotency-key']);
        return reply.code(201).send(campaign);
      },
    );
  };
}
