// GET /api/channels/{channelId}: a channel's health history (breaker transitions and operators'
// force-off/on, newest first) and the unknown outcomes the adapter is resolving, for every role.
import { channelHistorySchema } from '@gateway/contracts';
import { errorResponses } from '@gateway/kit';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { channelDetails } from '../flows/channels.flow.ts';
import { channelParamsSchema } from './channel-schemas.ts';
import type { RouteDeps } from './route-deps.ts';
import { requireSignedIn } from './session-guard.ts';

export function channelDetailsRoute(deps: RouteDeps): FastifyPluginAsyncZod {
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugins are async functions
  return async (app) => {
    app.get(
      '/api/channels/:channelId',
      {
        schema: {
          tags: ['channels'],
          summary: "A channel's health history and the unknown outcomes being resolved",
          params: channelParamsSchema,
          response: { 200: channelHistorySchema, ...errorResponses(400, 401, 404, 503) },
        },
      },
      async (request) => channelDetails(deps.bankAdapter, requireSignedIn(request).operator, request.params.channelId),
    );
  };
}
