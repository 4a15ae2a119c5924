// GET /v1/bills?billerId=&accountNo=: an account's open bills with the amount due now (late fee
// included), their payment constraints, and an inquiryRef whose amounts are honoured until it expires.
// Reads the read model only: works while billing is down.
import { ApiError, billInquiryQuerySchema, billInquiryResponseSchema } from '@gateway/contracts';
import { errorResponses, requireClientKind, signatureHeadersSchema } from '@gateway/kit';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { inquireBills } from '../flows/inquire-bills.flow.ts';
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
          response: { 200: billInquiryResponseSchema, ...errorResponses(400, 401, 403, 404, 422, 429) },
        },
      },
      async (request) => {
        // The portal inquires too, before it creates an intent.
        const client = requireClientKind(request, ['channel', 'portal']);
        const { billerId, accountNo } = request.query;
        const outcome = await inquireBills(
          deps.pool,
          { clientId: client.clientId, billerId, accountNo },
          { billers: deps.config.catalogues.billers, ttlMs: deps.config.INQUIRY_TTL, now: deps.now?.() ?? new Date() },
        );
        if (outcome.kind === 'refused') throw new ApiError(outcome.code, outcome.message);
        return outcome.response;
      },
    );
  };
}
