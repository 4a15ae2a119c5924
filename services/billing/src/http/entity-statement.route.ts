// GET /v1/entities/{entityId}/statement?period=YYYY-MM: a public entity's consolidated statement over
// all its lines, for the bills whose billing period starts in that month.
import { ApiError, entityParamsSchema, entityStatementResponseSchema } from '@gateway/contracts';
import type { CurrencyCode } from '@gateway/contracts';
import { errorResponses, requireClientKind, signatureHeadersSchema } from '@gateway/kit';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { buildEntityStatement, monthRange, statementCurrency } from '../domain/entity-statement.ts';
import { findEntity, findEntityAccounts } from '../store/pg-account-store.ts';
import { findBillsStartingIn } from '../store/pg-bill-store.ts';
import { billView } from './bill-view.ts';
import { billingStatementQuerySchema } from './edge-schemas.ts';
import type { RouteDeps } from './route-deps.ts';

// Only names the zero of a statement that has no bill at all when no biller currency is configured.
const fallbackCurrency: CurrencyCode = 'SYP';

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
        requireClientKind(request, ['biller', 'operator']);
        const { entityId } = request.params;
        const { period } = request.query;
        const entity = await findEntity(deps.pool, entityId);
        if (entity === undefined) throw new ApiError('not_found', `No public entity has the id ${entityId}.`);
        const accounts = await findEntityAccounts(deps.pool, entityId);
        const { from, to } = monthRange(period);
        const bills = await findBillsStartingIn(
          deps.pool,
          accounts.map((a) => a.accountNo),
          from,
          to,
        );
        const chosen = statementCurrency(bills, deps.currency ?? fallbackCurrency);
        if (!chosen.ok) {
          throw new ApiError(
            'currency_mismatch',
            `The bills of entity ${entityId} for ${period} are in more than one currency (${chosen.currencies.join(', ')}); a statement adds them up in one.`,
          );
        }
        const currency = chosen.currency;
        const statement = buildEntityStatement(accounts, bills, deps.policy, deps.now?.() ?? new Date(), currency, billView);
        return { entityId, name: entity.name, period, lines: statement.lines, totals: statement.totals };
      },
    );
  };
}
