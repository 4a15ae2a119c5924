// POST /v1/payment-intents/{id}/cancel: the payer gives up before paying (flows/cancel-intent.flow.ts
// says when that is allowed). A refusal is 409 invalid_state (docs/api.md) with details.status.
import { ApiError, cancelIntentBodySchema, idempotencyHeadersSchema, intentIdParamsSchema, intentResponseSchema } from '@gateway/contracts';
import { errorResponses, hashRequest, idempotent, requireClientKind, sendIdempotent, signatureHeadersSchema } from '@gateway/kit';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { intentView } from '../domain/intent-record.ts';
import { cancelIntent } from '../flows/cancel-intent.flow.ts';
import type { RouteDeps } from './route-deps.ts';

export function intentCancelRoute(deps: RouteDeps): FastifyPluginAsyncZod {
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugins are async functions
  return async (app) => {
    app.post(
      '/v1/payment-intents/:id/cancel',
      {
        schema: {
          tags: ['payment intents'],
          summary: 'Cancel a payment intent before it succeeds',
          description:
            'Allowed while status is requires_confirmation (no money can move without the OTP). While processing or unknown the ' +
            'debit may already be at the channel: 409 invalid_state with details.status; wait for the outcome. Requires Idempotency-Key.',
          headers: signatureHeadersSchema.extend(idempotencyHeadersSchema.shape),
          params: intentIdParamsSchema,
          // A POST without a body arrives as null; the reason is optional.
          body: cancelIntentBodySchema.nullable(),
          response: { 200: intentResponseSchema, ...errorResponses(400, 401, 403, 404, 409, 422, 429) },
        },
      },
      async (request, reply) => {
        const client = requireClientKind(request, ['portal']);
        const { id } = request.params;
        const requestHash = request.requestHash ?? hashRequest(request.method, request.url, JSON.stringify(request.body ?? null));
        const now = deps.now?.() ?? new Date();

        const response = await idempotent({ pool: deps.pool, clientId: client.clientId, key: request.headers['idempotency-key'], requestHash }, async (tx) => {
          const outcome = await cancelIntent(tx, { clientId: client.clientId, intentId: id, reason: request.body?.reason ?? null }, { topics: deps.topics, now });
          if (outcome.kind === 'not_found') throw new ApiError('not_found', `Payment intent ${id} was not found.`);
          if (outcome.kind === 'refused') {
            return { status: 409, body: { error: { code: 'invalid_state', message: outcome.message, requestId: request.id, details: { status: outcome.status } } } };
          }
          if (outcome.repeated) return { status: 200, body: intentView(outcome.intent) };
          const after = outcome.intent;
          request.log.info({ intentId: after.intentId }, 'payment intent canceled');
          return { status: 200, body: intentView(after) };
        });
        return sendIdempotent(reply, response);
      },
    );
  };
}
