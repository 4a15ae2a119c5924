// GET /v1/payments/{paymentId} and GET /v1/payments?channelTxnId=: status inquiry. A client sees only
// its own payments; another client's is 404, exactly like one that does not exist.
import { ApiError, paymentIdParamsSchema, paymentLookupQuerySchema, paymentStatusResponseSchema } from '@gateway/contracts';
import { errorResponses, requireClientKind, signatureHeadersSchema } from '@gateway/kit';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { getPayment } from '../flows/get-payment.flow.ts';
import type { RouteDeps } from './route-deps.ts';

export function paymentStatusRoute(deps: RouteDeps): FastifyPluginAsyncZod {
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugins are async functions
  return async (app) => {
    app.get(
      '/v1/payments/:paymentId',
      {
        schema: {
          tags: ['payments'],
          summary: 'Status of one of the calling client’s payments',
          headers: signatureHeadersSchema,
          params: paymentIdParamsSchema,
          response: { 200: paymentStatusResponseSchema, ...errorResponses(400, 401, 403, 404, 429) },
        },
      },
      async (request) => {
        const client = requireClientKind(request, ['channel', 'portal']);
        const payment = await getPayment(deps.pool, client.clientId, { paymentId: request.params.paymentId });
        if (payment === null) throw new ApiError('not_found', `Payment ${request.params.paymentId} was not found.`);
        return payment;
      },
    );
    app.get(
      '/v1/payments',
      {
        schema: {
          tags: ['payments'],
          summary: 'Status of a payment by the channel’s own transaction id',
          headers: signatureHeadersSchema,
          querystring: paymentLookupQuerySchema,
          response: { 200: paymentStatusResponseSchema, ...errorResponses(400, 401, 403, 404, 429) },
        },
      },
      async (request) => {
        const client = requireClientKind(request, ['channel', 'portal']);
        const payment = await getPayment(deps.pool, client.clientId, { channelTxnId: request.query.channelTxnId });
        if (payment === null) throw new ApiError('not_found', `No payment with channelTxnId ${request.query.channelTxnId}.`);
        return payment;
      },
    );
  };
}
