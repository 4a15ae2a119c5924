// GET /v1/intents/summary: how many intents are in each status, and how many are in the
// reconciliation queue. Operators only (the console's overview).
import { intentSummarySchema } from '@gateway/contracts';
import { errorResponses, requireOperator, signatureHeadersSchema } from '@gateway/kit';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { intentSummary } from '../flows/operator-intents.flow.ts';
import type { RouteDeps } from './route-deps.ts';

export function intentsSummaryRoute(deps: RouteDeps): FastifyPluginAsyncZod {
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugins are async functions
  return async (app) => {
    app.get(
      '/v1/intents/summary',
      {
        schema: {
          tags: ['operators'],
          summary: 'Payment intents per status, and the reconciliation queue size',
          headers: signatureHeadersSchema,
          response: { 200: intentSummarySchema, ...errorResponses(401, 403) },
        },
      },
      async (request) => {
        requireOperator(request);
        return { counts: await intentSummary(deps.pool) };
      },
    );
  };
}
