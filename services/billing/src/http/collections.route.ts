// GET /v1/collections?from=YYYY-MM-DD&to=YYYY-MM-DD: per biller (the telecom and each fee biller), the
// bills issued, the bills paid and the money collected over a range of Damascus days, for operators
// (the console's Fees and collections screen). Without a range: the current month in Asia/Damascus.
import { collectionsMaxDays, collectionsQuerySchema, collectionsResponseSchema } from '@gateway/contracts';
import { errorResponses, requireClientKind, signatureHeadersSchema } from '@gateway/kit';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { getCollections } from '../flows/get-collections.flow.ts';
import type { RouteDeps } from './route-deps.ts';

export function collectionsRoute(deps: RouteDeps): FastifyPluginAsyncZod {
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugins are async functions
  return async (app) => {
    app.get(
      '/v1/collections',
      {
        schema: {
          tags: ['billing'],
          summary: 'Bills issued, bills paid and money collected per biller over a range of days',
          description:
            `from and to are Asia/Damascus business dates, both included, at most ${collectionsMaxDays} days apart; without them, the current month. ` +
            'billsIssued: bills whose issue date is in the range (not canceled or reversed by the biller). billsPaid: bills paid in full now whose ' +
            'completing payment was made in the range. amountCollected: what the payments made in the range and still standing put on the bills.',
          headers: signatureHeadersSchema,
          querystring: collectionsQuerySchema,
          response: { 200: collectionsResponseSchema, ...errorResponses(400, 401, 403) },
        },
      },
      async (request) => {
        requireClientKind(request, ['operator']);
        return getCollections({ pool: deps.pool, now: deps.now ?? (() => new Date()) }, request.query);
      },
    );
  };
}
