// GET /api/payments?q=: "Find a payment" for every role. `q` is whatever the operator was told: a
// receipt number, a payment or intent id, a mobile number, a channelTxnId or an account number
// (domain/payment-query.ts decides which to ask payment orchestration for).
import { errorResponses } from '@gateway/kit';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { searchPayments } from '../flows/find-payment.flow.ts';
import { findServices } from './find-services.ts';
import { searchAnswerSchema } from './payment-schemas.ts';
import type { RouteDeps } from './route-deps.ts';
import { requireSignedIn } from './session-guard.ts';

const querySchema = z.strictObject({ q: z.string().max(128), limit: z.coerce.number().int().min(1).max(100).default(20) });

export function paymentSearchRoute(deps: RouteDeps): FastifyPluginAsyncZod {
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugins are async functions
  return async (app) => {
    app.get(
      '/api/payments',
      {
        schema: {
          tags: ['payments'],
          summary: 'Find payments and intents by receipt number, id, channelTxnId, account or subscriber number',
          querystring: querySchema,
          response: { 200: searchAnswerSchema, ...errorResponses(400, 401) },
        },
      },
      async (request) => searchPayments(findServices(deps), requireSignedIn(request).operator, request.query.q, request.query.limit),
    );
  };
}
