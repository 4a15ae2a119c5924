// The operators' reads of channel behaviour (flows/channel-insights.flow.ts): GET /v1/channels/stats
// (recent debits per channel), GET /v1/channels/{channelId}/history (health changes, unknown
// outcomes being resolved) and GET /v1/debits?intentIds= (the adapter's record of intents' debits,
// the evidence the reconciliation queue shows). Operators only.
import { ApiError, channelHistorySchema, channelStatsSchema, intentDebitsSchema } from '@gateway/contracts';
import { errorResponses, requireOperator, signatureHeadersSchema } from '@gateway/kit';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { channelHistory, channelStats, intentDebits } from '../flows/channel-insights.flow.ts';
import { channelIdParamsSchema, channelStatsQuerySchema, debitsQuerySchema, historyQuerySchema } from './channel-schemas.ts';
import type { RouteDeps } from './route-deps.ts';

export function channelInsightsRoute(deps: RouteDeps): FastifyPluginAsyncZod {
  const now = deps.now ?? (() => new Date());
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugins are async functions
  return async (app) => {
    app.get(
      '/v1/channels/stats',
      {
        schema: {
          tags: ['channels'],
          summary: 'Per channel over a recent window: debits attempted, succeeded, failed, success rate, p95 latency; unknown outcomes being resolved',
          headers: signatureHeadersSchema,
          querystring: channelStatsQuerySchema,
          response: { 200: channelStatsSchema, ...errorResponses(400, 401, 403) },
        },
      },
      async (request) => {
        requireOperator(request);
        return channelStats({ db: deps.pool, gateway: deps.gateway, now }, request.query.windowMinutes ?? 15);
      },
    );
    app.get(
      '/v1/channels/:channelId/history',
      {
        schema: {
          tags: ['channels'],
          summary: "A channel's health changes (breaker and operator), newest first, and the unknown outcomes it is resolving",
          headers: signatureHeadersSchema,
          params: channelIdParamsSchema,
          querystring: historyQuerySchema,
          response: { 200: channelHistorySchema, ...errorResponses(400, 401, 403, 404) },
        },
      },
      async (request) => {
        requireOperator(request);
        const history = await channelHistory({ db: deps.pool, gateway: deps.gateway }, request.params.channelId, request.query.limit ?? 50);
        if (history === null) throw new ApiError('not_found', `No channel ${request.params.channelId}.`);
        return history;
      },
    );
    app.get(
      '/v1/debits',
      {
        schema: {
          tags: ['channels'],
          summary: "The adapter's record of these intents' debits: the channel's answers and the status inquiries made",
          headers: signatureHeadersSchema,
          querystring: debitsQuerySchema,
          response: { 200: intentDebitsSchema, ...errorResponses(400, 401, 403) },
        },
      },
      async (request) => {
        requireOperator(request);
        return { debits: await intentDebits(deps.pool, request.query.intentIds) };
      },
    );
  };
}
