// GET /v1/accounts/{accountNo}: the account behind a billing number, for the telecom's billing
// system and operators. The holder's full name is shown: unlike the channel-facing inquiry, these
// callers are the ones who hold the subscriber's records.
import { ApiError, accountParamsSchema, accountResponseSchema } from '@gateway/contracts';
import { errorResponses, signatureHeadersSchema } from '@gateway/kit';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { findAccountByNumber } from '../flows/find-account.flow.ts';
import { accountView } from './account-view.ts';
import type { RouteDeps } from './route-deps.ts';
import { requireTelecomCaller } from './telecom-caller.ts';

export function accountRoute(deps: RouteDeps): FastifyPluginAsyncZod {
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugins are async functions
  return async (app) => {
    app.get(
      '/v1/accounts/:accountNo',
      {
        schema: {
          tags: ['billing'],
          summary: 'An account: holder, class, contact mobile, entity and governorate',
          headers: signatureHeadersSchema,
          params: accountParamsSchema,
          response: { 200: accountResponseSchema, ...errorResponses(400, 401, 403, 404) },
        },
      },
      async (request) => {
        requireTelecomCaller(request, ['biller', 'operator']);
        const account = await findAccountByNumber(deps.pool, request.params.accountNo);
        // Not echoed in full: logs and error bodies never carry a whole account number (docs/design.md).
        if (account === null) throw new ApiError('account_not_found', 'No account has this number.');
        return accountView(account);
      },
    );
  };
}
