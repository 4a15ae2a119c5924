// GET /v1/channels: the channels from config/channels.json with their breaker state from the
// channel-health read model, so a portal never offers a channel that is down. A channel the bank
// adapter never reported on, or not for CHANNEL_HEALTH_STALE_AFTER, is closed (available): no news
// is not an outage.
import { channelsResponseSchema } from '@gateway/contracts';
import type { BreakerState } from '@gateway/contracts';
import { errorResponses, requireClient, signatureHeadersSchema } from '@gateway/kit';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { channelStates } from '../store/pg-channel-health-store.ts';
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
        const states = await channelStates(deps.pool, { now: deps.now?.() ?? new Date(), staleAfterMs: deps.config.CHANNEL_HEALTH_STALE_AFTER });
        return {
          channels: deps.config.catalogues.channels.channels.map((c) => {
            const state = (states.get(c.channelId) ?? 'closed') as BreakerState;
            // half_open lets trial requests through: offer it, a failure fails fast anyway.
            return { channelId: c.channelId, kind: c.kind, displayName: c.displayName, available: state === 'closed' || state === 'half_open', state };
          }),
        };
      },
    );
  };
}
