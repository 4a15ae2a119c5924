// GET /api/reconciliations/{channelId}/{businessDate}: orchestration's match of the channel's day
// against its settlement file (flows/reconciliation.flow.ts), for every role; 404 for an unknown channel.
import { businessDateSchema, idSchema, reconciliationSchema } from '@gateway/contracts';
import { errorResponses } from '@gateway/kit';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { getReconciliation } from '../flows/reconciliation.flow.ts';
import { orchestrationOf } from './find-services.ts';
import type { RouteDeps } from './route-deps.ts';
import { requireSignedIn } from './session-guard.ts';

export function reconciliationRoute(deps: RouteDeps): FastifyPluginAsyncZod {
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugins are async functions
  return async (app) => {
    app.get(
      '/api/reconciliations/:channelId/:businessDate',
      {
        schema: {
          tags: ['reconciliation'],
          summary: "A channel's day matched against its settlement file",
          params: z.object({ channelId: idSchema, businessDate: businessDateSchema }),
          response: { 200: reconciliationSchema, ...errorResponses(400, 401, 404, 503) },
        },
      },
      async (request) => getReconciliation(orchestrationOf(deps), requireSignedIn(request).operator, request.params),
    );
  };
}
