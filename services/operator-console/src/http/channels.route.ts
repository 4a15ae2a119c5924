// GET /api/channels: the bank adapter's channels (GET /v1/channels) with their recent numbers
// (GET /v1/channels/stats, null when only those fail), for every role.
import { errorResponses } from '@gateway/kit';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { listChannels } from '../flows/channels.flow.ts';
import { channelWithStatsSchema } from './channel-schemas.ts';
import type { RouteDeps } from './route-deps.ts';
import { requireSignedIn } from './session-guard.ts';

export function channelsRoute(deps: RouteDeps): FastifyPluginAsyncZod {
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugins are async functions
  return async (app) => {
    app.get(
      '/api/channels',
      { schema: { tags: ['channels'], summary: 'Channels and their state', response: { 200: z.object({ channels: z.array(channelWithStatsSchema) }), ...errorResponses(401, 503) } } },
      async (request) => ({ channels: await listChannels(deps.bankAdapter, requireSignedIn(request).operator) }),
    );
  };
}
