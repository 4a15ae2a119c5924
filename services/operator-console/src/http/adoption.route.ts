// GET /api/adoption?cycle=YYYY-MM: billing's adoption figures for the Adoption screen, any role. The
// cycle is checked here too, so a malformed one is a 400 without a call to billing.
import { adoptionQuerySchema, adoptionResponseSchema } from '@gateway/contracts';
import { errorResponses } from '@gateway/kit';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { billingOf, getAdoption } from '../flows/adoption.flow.ts';
import type { RouteDeps } from './route-deps.ts';
import { requireSignedIn } from './session-guard.ts';

export function adoptionRoute(deps: RouteDeps): FastifyPluginAsyncZod {
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugins are async functions
  return async (app) => {
    app.get(
      '/api/adoption',
      {
        schema: {
          tags: ['adoption'],
          summary: "A billing cycle's bills paid through the gateway (billing's GET /v1/adoption)",
          querystring: adoptionQuerySchema,
          response: { 200: adoptionResponseSchema, ...errorResponses(400, 401, 503) },
        },
      },
      async (request) => getAdoption(billingOf(deps.outboxServices), requireSignedIn(request).operator, request.query),
    );
  };
}
