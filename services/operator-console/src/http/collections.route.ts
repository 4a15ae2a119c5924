// GET /api/collections?from=&to=: billing's collections per biller for the Fees and collections screen,
// any role. The range is checked here with billing's own schema, so a bad one is a 400 without a call.
import { collectionsQuerySchema, collectionsResponseSchema } from '@gateway/contracts';
import { errorResponses } from '@gateway/kit';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { billingOf } from '../flows/adoption.flow.ts';
import { getCollections } from '../flows/collections.flow.ts';
import type { RouteDeps } from './route-deps.ts';
import { requireSignedIn } from './session-guard.ts';

export function collectionsRoute(deps: RouteDeps): FastifyPluginAsyncZod {
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugins are async functions
  return async (app) => {
    app.get(
      '/api/collections',
      {
        schema: {
          tags: ['collections'],
          summary: "Bills issued, bills paid and money collected per biller over a range of days (billing's GET /v1/collections)",
          querystring: collectionsQuerySchema,
          response: { 200: collectionsResponseSchema, ...errorResponses(400, 401, 503) },
        },
      },
      async (request) => getCollections(billingOf(deps.outboxServices), requireSignedIn(request).operator, request.query),
    );
  };
}
