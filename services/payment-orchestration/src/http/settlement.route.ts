// GET /v1/settlements/{businessDate}: the calling channel's statement for the day. `closed` once the
// channel's cut-off (Asia/Damascus, per channel in channels.json) has passed: from then on it is final.
import { settlementParamsSchema, settlementResponseSchema } from '@gateway/contracts';
import { errorResponses, signatureHeadersSchema } from '@gateway/kit';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { buildChannelStatement } from '../flows/build-channel-statement.flow.ts';
import { requireChannelClient } from './client-kinds.ts';
import type { RouteDeps } from './route-deps.ts';

export function settlementRoute(deps: RouteDeps): FastifyPluginAsyncZod {
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugins are async functions
  return async (app) => {
    app.get(
      '/v1/settlements/:businessDate',
      {
        schema: {
          tags: ['payments'],
          summary: 'The calling channel’s statement for one business day',
          headers: signatureHeadersSchema,
          params: settlementParamsSchema,
          response: { 200: settlementResponseSchema, ...errorResponses(400, 401, 403, 429) },
        },
      },
      async (request) => {
        const client = requireChannelClient(request);
        return buildChannelStatement(
          deps.pool,
          { channelId: client.channelId, businessDate: request.params.businessDate },
          { channels: deps.config.catalogues.channels, now: deps.now?.() ?? new Date() },
        );
      },
    );
  };
}
