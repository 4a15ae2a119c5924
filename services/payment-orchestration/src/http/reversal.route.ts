// POST /v1/payments/{paymentId}/reversals: the channel undoes a payment before its day's settlement
// cut-off. Idempotent like every state-changing POST; a payment is reversed at most once, so asking
// again under a new key returns that same reversal.
//
// After the cut-off the answer is 409 `settlement_closed` (docs/api.md) with the business date and the
// cut-off instant in details.
import {
  errorBody,
  httpStatusOf,
  idempotencyHeadersSchema,
  paymentIdParamsSchema,
  reversalBodySchema,
  reversalResponseSchema,
} from '@gateway/contracts';
import { errorResponses, hashRequest, idempotent, sendIdempotent, signatureHeadersSchema } from '@gateway/kit';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { paymentContext } from '../flows/record-payment.flow.ts';
import { reversePayment } from '../flows/reverse-payment.flow.ts';
import { requireChannelClient } from './client-kinds.ts';
import type { RouteDeps } from './route-deps.ts';

export function reversalRoute(deps: RouteDeps): FastifyPluginAsyncZod {
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugins are async functions
  return async (app) => {
    app.post(
      '/v1/payments/:paymentId/reversals',
      {
        schema: {
          tags: ['payments'],
          summary: 'Reverse a payment before the channel’s settlement cut-off',
          description: 'After the cut-off: 409 settlement_closed. A payment is reversed once; a repeat returns that reversal.',
          headers: signatureHeadersSchema.extend(idempotencyHeadersSchema.shape),
          params: paymentIdParamsSchema,
          body: reversalBodySchema,
          response: { 201: reversalResponseSchema, ...errorResponses(400, 401, 403, 404, 409, 422, 429) },
        },
      },
      async (request, reply) => {
        const client = requireChannelClient(request);
        const requestHash = request.requestHash ?? hashRequest(request.method, request.url, JSON.stringify(request.body));
        const now = deps.now?.() ?? new Date();
        const response = await idempotent(
          { pool: deps.pool, clientId: client.clientId, key: request.headers['idempotency-key'], requestHash },
          async (tx) => {
            const outcome = await reversePayment(
              tx,
              { clientId: client.clientId, paymentId: request.params.paymentId, reason: request.body.reason, correlationId: request.correlationId },
              paymentContext(deps.config.catalogues, now),
            );
            if (outcome.kind === 'refused') {
              const error = errorBody(outcome.code, request.id, outcome.message);
              if (outcome.details !== undefined) error.error.details = outcome.details;
              return { status: httpStatusOf(outcome.code), body: error };
            }
            return { status: 201, body: outcome.reversal };
          },
        );
        return sendIdempotent(reply, response);
      },
    );
  };
}
