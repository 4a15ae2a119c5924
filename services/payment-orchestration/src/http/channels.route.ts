// GET /v1/channels: the channels and whether each is available now (flows/list-channels.flow.ts).
import { channelsResponseSchema } from '@gateway/contracts';
import { errorResponses, requireClient, signatureHeadersSchema } from '@gateway/kit';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { listChannels } from '../flows/list-channels.flow.ts';
import type { RouteDeps } from './route-deps.ts';

export function channelsRoute(deps: RouteDeps): FastifyPluginAsyncZod {
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugins are async functions
  return async (app) => {
    app.get(
      '/v1/channels',
      {
        schema: {
          tags: ['catalogue'],
          summary: 'Payment channels and whether each is available now',
          headers: signatureHeadersSchema,
          response: { 200: channelsResponseSchema, ...errorResponses(401, 429) },
        },
      },
      async (request) => {
        requireClient(request);
        return listChannels(deps.pool, { channels: deps.config.catalogues.channels, staleAfterMs: deps.config.CHANNEL_HEALTH_STALE_AFTER, now: deps.now?.() ?? new Date() });
      },
    );
  };
}
