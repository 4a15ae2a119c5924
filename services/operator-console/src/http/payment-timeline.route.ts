// GET /api/payments/{id}/timeline: one payment (or intent) across payment orchestration, billing and
// notification, as one ordered timeline, for every role. A service that does not answer is marked
// unavailable and the others' entries still show; never a 5xx for the page.
import { errorResponses } from '@gateway/kit';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { paymentTimeline } from '../flows/find-payment.flow.ts';
import { findServices } from './find-services.ts';
import { timelineAnswerSchema } from './payment-schemas.ts';
import type { RouteDeps } from './route-deps.ts';
import { requireSignedIn } from './session-guard.ts';

export function paymentTimelineRoute(deps: RouteDeps): FastifyPluginAsyncZod {
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugins are async functions
  return async (app) => {
    app.get(
      '/api/payments/:id/timeline',
      {
        schema: {
          tags: ['payments'],
          summary: 'One payment’s timeline across the services',
          params: z.object({ id: z.string().max(128).describe('A payment id (pay_…) or an intent id (pi_…)') }),
          response: { 200: timelineAnswerSchema, ...errorResponses(400, 401, 404) },
        },
      },
      async (request) => paymentTimeline(findServices(deps), requireSignedIn(request).operator, request.params.id),
    );
  };
}
