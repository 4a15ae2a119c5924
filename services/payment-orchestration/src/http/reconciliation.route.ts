// GET /v1/reconciliations/{channelId}/{businessDate}: our ledger for the channel's day matched against
// its settlement file (flows/reconciliation.flow.ts): `pending` until a file was matched. Operators only.
import { ApiError, businessDateSchema, idSchema } from '@gateway/contracts';
import { errorResponses, requireOperator, signatureHeadersSchema } from '@gateway/kit';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { getReconciliation } from '../flows/reconciliation.flow.ts';
import type { RouteDeps } from './route-deps.ts';

const sideSchema = z.object({ count: z.number().int(), amount: z.object({ amount: z.number().int(), currency: z.string() }) });

export const reconciliationExceptionSchema = z.object({
  exceptionId: z.string(),
  kind: z.enum(['missing_at_channel', 'missing_here', 'amount_mismatch', 'status_mismatch']),
  reference: z.string(),
  ours: z.record(z.string(), z.unknown()).nullable(),
  theirs: z.record(z.string(), z.unknown()).nullable(),
  status: z.enum(['open', 'resolved', 'superseded']),
  resolution: z.object({ action: z.string(), note: z.string(), by: z.string(), at: z.string() }).nullable(),
});

const reconciliationSchema = z.object({
  channelId: z.string(),
  businessDate: z.string(),
  status: z.enum(['pending', 'matched', 'exceptions']),
  file: z.object({ fileId: z.string(), sha256: z.string(), fetchedAt: z.string() }).nullable(),
  ours: sideSchema,
  theirs: sideSchema,
  exceptions: z.array(reconciliationExceptionSchema),
});

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
        return getReconciliation(deps.pool, { channelId, businessDate, channels: catalogue });
      },
    );
  };
}
