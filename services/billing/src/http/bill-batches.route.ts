// POST /v1/bill-batches: one batch of a billing cycle from the telecom's billing system (docs/api.md).
// Rows are validated one by one: a bad row is rejected with its reason, the rest are accepted.
// Like every state-changing POST it requires an Idempotency-Key (docs/api.md); the batchId stays the
// business identity: a repeat of it returns the stored answer and changes nothing, whatever its key
// (see flows/import-bill-batch.flow.ts for the rules, and for retries of a batch that failed halfway).
import {
  ApiError,
  billBatchBodySchema,
  billBatchResponseSchema,
  idempotencyHeadersSchema,
  idempotentReplayedHeaderName,
} from '@gateway/contracts';
import { errorResponses, hashRequest, signatureHeadersSchema } from '@gateway/kit';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { importBillBatch } from '../flows/import-bill-batch.flow.ts';
import type { RouteDeps } from './route-deps.ts';
import { requireTelecomCaller } from './telecom-caller.ts';

// A cycle of 50,000 rows is some 25 MB of JSON; the limit leaves room for line items.
export const billBatchBodyLimit = 100 * 1024 * 1024;

// Hands the rows to the import one at a time and lets go of each, so the parsed batch shrinks as the
// import advances instead of living beside the chunks built from it.
function* releasingRows(rows: unknown[]): Generator<unknown> {
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    rows[i] = undefined;
    yield row;
  }
}

export function billBatchesRoute(deps: RouteDeps): FastifyPluginAsyncZod {
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugins are async functions
  return async (app) => {
    app.post(
      '/v1/bill-batches',
      {
        bodyLimit: billBatchBodyLimit,
        schema: {
          tags: ['billing'],
          summary: 'Import a batch of bills (one billing cycle or part of one)',
          description:
            'Each row is checked on its own; rejected rows are listed with their reason and the rest are imported. ' +
            'Requires an Idempotency-Key: the same key and body again returns the first answer byte for byte with ' +
            'Idempotent-Replayed: true; the same key with another batchId or body is 422 idempotency_key_reused. ' +
            'A repeated batchId under another key returns the stored answer with replayed: true. A bill whose externalBillId ' +
            'was imported before with the same data is accepted with its original billId; with different data it is rejected.',
          headers: signatureHeadersSchema.extend(idempotencyHeadersSchema.shape),
          body: billBatchBodySchema,
          response: { 202: billBatchResponseSchema, ...errorResponses(400, 401, 403, 409, 422) },
        },
      },
      async (request, reply) => {
        const client = requireTelecomCaller(request, ['biller']);
        // The exact bytes tell a retry from a key reused for another body (hashed by the signature
        // check while the body streamed: no copy of a 100 MB batch is kept for it).
        const requestHash = request.requestHash ?? hashRequest(request.method, request.url, JSON.stringify(request.body));
        const { batchId, bills } = request.body;
        const result = await importBillBatch(
          { pool: deps.pool, policy: deps.policy, currency: deps.currency, limits: deps.importLimits, ...(deps.now ? { now: deps.now } : {}) },
          {
            batchId,
            rows: releasingRows(bills),
            correlationId: request.correlationId,
            causationId: request.id,
            collectAccepted: true,
            idempotency: { clientId: client.clientId, key: request.headers['idempotency-key'], requestHash },
          },
        );
        if (result.kind === 'refused') throw new ApiError(result.code, result.message);
        if (result.kind === 'in_progress') {
          throw new ApiError('idempotency_key_in_use', `Batch ${batchId} (or another batch under this Idempotency-Key) is still being imported; retry later for its result.`);
        }
        if (result.kind === 'replayed') void reply.header(idempotentReplayedHeaderName, 'true');
        else request.log.info({ batchId, accepted: result.response.acceptedCount, rejected: result.response.rejectedCount, inserted: result.inserted }, 'bill batch imported');
        return reply.code(202).send(result.response);
      },
    );
  };
}
