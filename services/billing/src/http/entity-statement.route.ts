// GET /v1/entities/{entityId}/statement?period=YYYY-MM: a public entity's consolidated statement over
// all its lines, for the bills whose billing period starts in that month.
import { ApiError, entityParamsSchema, entityStatementResponseSchema } from '@gateway/contracts';
import { errorResponses, signatureHeadersSchema } from '@gateway/kit';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { getEntityStatement } from '../flows/get-entity-statement.flow.ts';
import { billView } from './bill-view.ts';
import { billingStatementQuerySchema } from './edge-schemas.ts';
import type { RouteDeps } from './route-deps.ts';
import { requireTelecomCaller } from './telecom-caller.ts';

export function entityStatementRoute(deps: RouteDeps): FastifyPluginAsyncZod {
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugins are async functions
  return async (app) => {
    app.get(
      '/v1/entities/:entityId/statement',
      {
        schema: {
          tags: ['billing'],
          summary: "A public entity's consolidated statement for a month",
          description:
            'Every line of the entity with its bills whose period starts in the month, and totals. Totals are one amount ' +
            'per figure: when the month holds bills in more than one currency the answer is 422 currency_mismatch, naming them.',
          headers: signatureHeadersSchema,
          params: entityParamsSchema,
          querystring: billingStatementQuerySchema,
          response: { 200: entityStatementResponseSchema, ...errorResponses(400, 401, 403, 404, 422) },
        },
      },
      async (request) => {
        requireTelecomCaller(request, ['biller', 'operator']);
        const { entityId } = request.params;
        const { period } = request.query;
        const result = await getEntityStatement(
          { db: deps.pool, policy: deps.policy, currency: deps.currency, now: deps.now ?? (() => new Date()) },
          { entityId, period },
          billView,
        );
        if (result.kind === 'entity_not_found') throw new ApiError('not_found', `No public entity has the id ${entityId}.`);
        if (result.kind === 'refused') {
          throw new ApiError(
            result.code,
            `The bills of entity ${entityId} for ${period} are in more than one currency (${result.currencies.join(', ')}); a statement adds them up in one.`,
          );
        }
        const { statement } = result;
        return { entityId, name: result.name, period, lines: statement.lines, totals: statement.totals };
      },
    );
  };
}
