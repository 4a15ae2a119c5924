// GET /v1/payment-effects/{paymentId}: what billing did with one payment (the bills it was applied
// to, each bill's state after it, when a bill was settled, a reversal's lines, what it could not
// apply and why). Operators only: the console's payment timeline. 404 until billing has seen it.
import { ApiError, idSchema, paymentEffectsSchema } from '@gateway/contracts';
import { errorResponses, requireOperator, signatureHeadersSchema } from '@gateway/kit';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { paymentEffects } from '../flows/payment-effects.flow.ts';
import type { RouteDeps } from './route-deps.ts';

export function paymentEffectsRoute(deps: RouteDeps): FastifyPluginAsyncZod {
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugins are async functions
  return async (app) => {
    app.get(
      '/v1/payment-effects/:paymentId',
      {
        schema: {
          tags: ['operators'],
          summary: 'What billing did with one payment: bills applied and settled, reversal, unapplied amounts',
          headers: signatureHeadersSchema,
          params: z.object({ paymentId: idSchema }),
          response: { 200: paymentEffectsSchema, ...errorResponses(400, 401, 403, 404) },
        },
      },
      async (request) => {
        requireOperator(request);
        const effects = await paymentEffects(deps.pool, request.params.paymentId);
        if (effects === null) throw new ApiError('not_found', `Billing has not seen payment ${request.params.paymentId}.`);
        return effects;
      },
    );
  };
}
