// GET /api/opt-outs?msisdn=: one subscriber's opt-out state and history; without msisdn, the numbers
// opted out now, a page at a time (cursor). Any role.
import { optOutListSchema, optOutStateSchema } from '@gateway/contracts';
import { errorResponses } from '@gateway/kit';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { getOptOut, listOptOuts, notificationOf } from '../flows/messages.flow.ts';
import { optOutsQuerySchema } from './messages-schemas.ts';
import type { RouteDeps } from './route-deps.ts';
import { requireSignedIn } from './session-guard.ts';

export function optOutsRoute(deps: RouteDeps): FastifyPluginAsyncZod {
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugins are async functions
  return async (app) => {
    app.get(
      '/api/opt-outs',
      {
        schema: {
          tags: ['messages'],
          summary: "One subscriber's opt-out state and history, or the numbers opted out now",
          querystring: optOutsQuerySchema,
          response: { 200: z.union([optOutStateSchema, optOutListSchema]), ...errorResponses(400, 401, 503) },
        },
      },
      async (request) => {
        const { operator } = requireSignedIn(request);
        const notification = notificationOf(deps.outboxServices);
        const { msisdn, limit, cursor } = request.query;
        return msisdn === undefined ? listOptOuts(notification, operator, { limit, cursor }) : getOptOut(notification, operator, msisdn);
      },
    );
  };
}
