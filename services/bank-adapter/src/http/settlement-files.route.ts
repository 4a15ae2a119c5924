// POST /v1/settlement-files/{channelId}/{businessDate}: fetch that channel's statement for the day
// and keep it for reconciliation: 201 when a new (or corrected) version was stored and announced as
// channel.settlement-file-fetched, 200 when the channel served the copy we already have. GET the same
// path: the stored copy (the event's `location`). Operators only; the daily fetch is the scheduler's.
import { ApiError, businessDateSchema, idSchema } from '@gateway/contracts';
import { errorResponses, requireOperator, signatureHeadersSchema } from '@gateway/kit';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { fetchSettlementFile } from '../flows/fetch-settlement-file.flow.ts';
import { getSettlementFile } from '../flows/get-settlement-file.flow.ts';
import type { RouteDeps } from './route-deps.ts';

const paramsSchema = z.object({ channelId: idSchema, businessDate: businessDateSchema });

const summarySchema = z.object({
  channelId: z.string(),
  businessDate: z.string(),
  fileId: z.string(),
  sha256: z.string(),
  rowCount: z.number().int(),
  fetchedAt: z.string(),
  fetchedBy: z.string(),
});
const fetchedSchema = summarySchema.extend({ changed: z.boolean() });
const fileSchema = summarySchema.extend({ content: z.string() });

export function settlementFilesRoute(deps: RouteDeps): FastifyPluginAsyncZod {
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugins are async functions
  return async (app) => {
    app.post(
      '/v1/settlement-files/:channelId/:businessDate',
      {
        schema: {
          tags: ['settlement'],
          summary: 'Fetch a channel’s settlement statement for a business date and store it',
          headers: signatureHeadersSchema,
          params: paramsSchema,
          response: { 200: fetchedSchema, 201: fetchedSchema, ...errorResponses(400, 401, 403, 404, 503) },
        },
      },
      async (request, reply) => {
        const operator = requireOperator(request);
        const { channelId, businessDate } = request.params;
        const fetched = await fetchSettlementFile(deps, { channelId, businessDate, actor: operator.clientId, requestId: request.id });
        if (fetched.kind === 'unknown_channel') throw new ApiError('not_found', fetched.message);
        if (fetched.kind === 'unavailable') throw new ApiError('channel_unavailable', `The channel did not deliver its statement: ${fetched.message}`);
        if (fetched.kind === 'unreadable') throw new ApiError('channel_unavailable', `The channel's statement cannot be read: ${fetched.message}`);
        const { content: _content, ...summary } = fetched.file;
        const changed = fetched.kind === 'stored';
        return reply.code(changed ? 201 : 200).send({ ...summary, changed });
      },
    );
    app.get(
      '/v1/settlement-files/:channelId/:businessDate',
      {
        schema: {
          tags: ['settlement'],
          summary: 'A stored settlement statement (CSV as fetched)',
          headers: signatureHeadersSchema,
          params: paramsSchema,
          response: { 200: fileSchema, ...errorResponses(400, 401, 403, 404) },
        },
      },
      async (request) => {
        requireOperator(request);
        const file = await getSettlementFile(deps.pool, request.params);
        if (file === null) throw new ApiError('not_found', 'No statement stored for that channel and date; POST to fetch it.');
        return file;
      },
    );
  };
}
