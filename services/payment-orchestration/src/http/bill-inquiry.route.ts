// GET /v1/bills?billerId=&accountNo=: an account's open bills with the amount due now (late fee
// included), their payment constraints, and an inquiryRef whose amounts are honoured until it expires.
// Reads the read model only: works while billing is down.
import { ApiError, billInquiryQuerySchema, billInquiryResponseSchema } from '@gateway/contracts';
import { errorResponses, requireClientKind, signatureHeadersSchema } from '@gateway/kit';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { inquireBills } from '../store/pg-inquiry-store.ts';
import type { RouteDeps } from './route-deps.ts';

export function billInquiryRoute(deps: RouteDeps): FastifyPluginAsyncZod {
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugins are async functions
  return async (app) => {
    app.get(
      '/v1/bills',
      {
        schema: {
          tags: ['payments'],
          summary: 'Bill inquiry: open bills of one account with amount due and an inquiry reference',
          headers: signatureHeadersSchema,
          querystring: billInquiryQuerySchema,
          response: { 200: billInquiryResponseSchema, ...errorResponses(400, 401, 403, 404, 429) },
        },
      },
      async (request) => {
        // The portal inquires too, before it creates an intent.
        const client = requireClientKind(request, ['channel', 'portal']);
        const { billerId, accountNo } = request.query;
        if (!deps.config.catalogues.billers.billers.some((b) => b.billerId === billerId)) {
          throw new ApiError('biller_not_found', `Biller ${billerId} is not known to the gateway.`);
        }
        const outcome = await inquireBills(deps.pool, {
          clientId: client.clientId,
          billerId,
          accountNo,
          ttlMs: deps.config.INQUIRY_TTL,
          now: deps.now?.() ?? new Date(),
        });
        if (outcome.kind === 'account_not_found') throw new ApiError('account_not_found', `No bills are known for account ${accountNo} of ${billerId}.`);
        return outcome.response;
      },
    );
  };
}
