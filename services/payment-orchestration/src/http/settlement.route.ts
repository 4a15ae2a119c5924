// GET /v1/settlements/{businessDate}: the calling channel's statement for the day. `closed` once the
// channel's cut-off (Asia/Damascus, per channel in channels.json) has passed: from then on it is final.
import { settlementParamsSchema, settlementResponseSchema } from '@gateway/contracts';
import { errorResponses, signatureHeadersSchema } from '@gateway/kit';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { cutOffInstant } from '../domain/business-day.ts';
import { cutOffOf } from '../domain/catalogues.ts';
import { settlementStatement } from '../store/pg-settlement-store.ts';
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
        const channels = deps.config.catalogues.channels;
        const { businessDate } = request.params;
        const cutOffAt = cutOffInstant(businessDate, cutOffOf(channels, client.channelId), channels.timezone);
        return settlementStatement(deps.pool, { channelId: client.channelId, businessDate, cutOffAt, now: deps.now?.() ?? new Date() });
      },
    );
  };
}
