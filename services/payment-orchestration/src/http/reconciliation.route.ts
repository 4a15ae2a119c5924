// GET /v1/reconciliations/{channelId}/{businessDate}: our ledger for the channel's day matched against
// its settlement file (flows/reconciliation.flow.ts): `pending` until a file was matched (with
// `fileOverdue` once SETTLEMENT_FILE_DEADLINE has passed). Operators only.
import { ApiError, businessDateSchema, idSchema, reconciliationExceptionSchema, reconciliationSchema } from '@gateway/contracts';
import { errorResponses, requireOperator, signatureHeadersSchema } from '@gateway/kit';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { getReconciliation } from '../flows/reconciliation.flow.ts';
import type { RouteDeps } from './route-deps.ts';

// The answer's shape is the contracts' (the console passes it on); the resolve route answers one exception of it.
export { reconciliationExceptionSchema };

export function reconciliationRoute(deps: RouteDeps): FastifyPluginAsyncZod {
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugins are async functions
  return async (app) => {
    app.get(
      '/v1/reconciliations/:channelId/:businessDate',
      {
        schema: {
          tags: ['operators'],
          summary: "A channel's day matched against its settlement file",
          headers: signatureHeadersSchema,
          params: z.object({ channelId: idSchema, businessDate: businessDateSchema }),
          response: { 200: reconciliationSchema, ...errorResponses(400, 401, 403, 404) },
        },
      },
      async (request) => {
        requireOperator(request);
        const { channelId, businessDate } = request.params;
        const catalogue = deps.config.catalogues.channels;
        if (!catalogue.channels.some((c) => c.channelId === channelId)) throw new ApiError('not_found', `No channel ${channelId}.`);
        return getReconciliation(deps.pool, { channelId, businessDate, channels: catalogue, fileDeadline: deps.config.SETTLEMENT_FILE_DEADLINE, now: deps.now?.() ?? new Date() });
      },
    );
  };
}
