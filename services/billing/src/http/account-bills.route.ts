// GET /v1/accounts/{accountNo}/bills: the account's bills, each with its status and amount due now
// (late fees included), newest period first; ?status= narrows to one status.
import { ApiError, accountBillsQuerySchema, accountBillsResponseSchema, accountParamsSchema } from '@gateway/contracts';
import { errorResponses, signatureHeadersSchema } from '@gateway/kit';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { listAccountBills } from '../flows/list-account-bills.flow.ts';
import { billView } from './bill-view.ts';
import type { RouteDeps } from './route-deps.ts';
import { requireTelecomCaller } from './telecom-caller.ts';

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
        requireTelecomCaller(request, ['biller', 'operator']);
        const result = await listAccountBills(
          { db: deps.pool, policy: deps.policy, now: deps.now ?? (() => new Date()) },
          { accountNo: request.params.accountNo, status: request.query.status },
        );
        // Not echoed in full: logs and error bodies never carry a whole account number (docs/design.md).
        if (result.kind === 'account_not_found') throw new ApiError('account_not_found', 'No account has this number.');
        return { accountNo: result.account.accountNo, bills: result.bills.map(({ bill, snapshot }) => billView(bill, snapshot)) };
      },
    );
  };
}
