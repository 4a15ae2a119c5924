// GET /v1/accounts/{accountNo}/bills: the account's bills, each with its status and amount due now
// (late fees included), newest period first; ?status= narrows to one status.
import { accountBillsQuerySchema, accountBillsResponseSchema, accountParamsSchema } from '@gateway/contracts';
import { errorResponses, requireClientKind, signatureHeadersSchema } from '@gateway/kit';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { toBillSnapshot } from '../domain/bill-snapshot.ts';
import { findAccountBills } from '../store/pg-bill-store.ts';
import { loadAccount } from './account-lookup.ts';
import { billView } from './bill-view.ts';
import type { RouteDeps } from './route-deps.ts';

export function accountBillsRoute(deps: RouteDeps): FastifyPluginAsyncZod {
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugins are async functions
  return async (app) => {
    app.get(
      '/v1/accounts/:accountNo/bills',
      {
        schema: {
          tags: ['billing'],
          summary: "An account's bills with status and amount due now",
          headers: signatureHeadersSchema,
          params: accountParamsSchema,
          querystring: accountBillsQuerySchema,
          response: { 200: accountBillsResponseSchema, ...errorResponses(400, 401, 403, 404) },
        },
      },
      async (request) => {
        requireClientKind(request, ['biller', 'operator']);
        const account = await loadAccount(deps.pool, request.params.accountNo);
        const at = deps.now?.() ?? new Date();
        const wanted = request.query.status;
        const bills = (await findAccountBills(deps.pool, account.accountNo))
          .map((bill) => billView(bill, toBillSnapshot(bill, account, deps.policy, at)))
          // The status is derived as of now (a bill turns overdue without a write), so filter after.
          .filter((bill) => wanted === undefined || bill.status === wanted);
        return { accountNo: account.accountNo, bills };
      },
    );
  };
}
