// GET /v1/channels: every configured channel with the state this replica's callers see (breaker,
// or forced off by an operator). Operators only.
import { errorResponses, requireOperator, signatureHeadersSchema } from '@gateway/kit';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { listChannels } from '../flows/list-channels.flow.ts';
import { channelListSchema } from './channel-schemas.ts';
import type { RouteDeps } from './route-deps.ts';

export function channelsRoute(deps: RouteDeps): FastifyPluginAsyncZod {
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugins are async functions
  return async (app) => {
    app.get(
      '/v1/channels',
      {
        schema: {
          tags: ['channels'],
          summary: 'Channels and their circuit-breaker state',
          headers: signatureHeadersSchema,
          response: { 200: channelListSchema, ...errorResponses(401, 403) },
        },
      },
      (request) => {
        requireOperator(request);
        return { channels: listChannels(deps.gateway) };
      },
    );
  };
}
