// GET /v1/payment-timeline/{id}: everything this service holds about one payment or intent (`id` is
// either): the request, allocations, the intent and its reconciliation entries, the reversal, and the
// outbox events it published with their times. Operators only; the console merges it with billing's
// and notification's parts into one timeline.
import { ApiError, idSchema, paymentTimelineSchema } from '@gateway/contracts';
import { errorResponses, requireOperator, signatureHeadersSchema } from '@gateway/kit';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { paymentTimeline } from '../flows/find-payment.flow.ts';
import type { RouteDeps } from './route-deps.ts';

export function paymentTimelineRoute(deps: RouteDeps): FastifyPluginAsyncZod {
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugins are async functions
  return async (app) => {
    app.get(
      '/v1/payment-timeline/:id',
      {
        schema: {
          tags: ['operators'],
          summary: 'What this service holds about one payment or intent, for the operators’ timeline',
          headers: signatureHeadersSchema,
          params: z.object({ id: idSchema.describe('A payment id (pay_…) or an intent id (pi_…)') }),
          response: { 200: paymentTimelineSchema, ...errorResponses(400, 401, 403, 404, 429) },
        },
      },
      async (request) => {
        requireOperator(request);
        const timeline = await paymentTimeline(deps.pool, request.params.id);
        if (timeline === null) throw new ApiError('not_found', `No payment or intent ${request.params.id}.`);
        return timeline;
      },
    );
  };
}
