// POST /v1/payment-intents/{id}/cancel: the payer gives up before paying. Allowed while the channel
// waits for the OTP (requires_confirmation): no debit happens without it and we never send it after a
// cancel. Refused while `processing` or `unknown`: the debit may already be at the channel, and a
// "canceled" we could not honour would lie to the payer (if the debit lands anyway, the payment is
// recorded: see intent-state.ts). Canceling a canceled intent answers with it again.
import { ApiError, cancelIntentBodySchema, idempotencyHeadersSchema, intentIdParamsSchema, intentResponseSchema } from '@gateway/contracts';
import { errorResponses, hashRequest, idempotent, requireClientKind, sendIdempotent, signatureHeadersSchema } from '@gateway/kit';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { intentView } from '../domain/intent-record.ts';
import { decideIntent } from '../domain/intent-state.ts';
import { applyIntentChange, findClientIntent } from '../store/pg-intent-store.ts';
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
            'debit may already be at the channel: 400 invalid_request with details.status; wait for the outcome. Requires Idempotency-Key.',
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
          const intent = await findClientIntent(tx, client.clientId, id, { lock: true });
          if (intent === null) throw new ApiError('not_found', `Payment intent ${id} was not found.`);
          const decision = decideIntent(intent, { type: 'cancel', at: now.toISOString() });
          if (decision.kind === 'refused' || decision.kind === 'record-payment') {
            const message = decision.kind === 'refused' ? decision.message : `The intent is ${intent.status}.`;
            return { status: 400, body: { error: { code: 'invalid_request', message, requestId: request.id, details: { status: intent.status } } } };
          }
          if (decision.kind === 'ignored') return { status: 200, body: intentView(intent) };
          const reason = request.body?.reason ?? null;
          const after = await applyIntentChange(tx, intent, decision, { now, correlationId: intent.correlationId, causationId: null, topics: deps.topics, reason });
          request.log.info({ intentId: intent.intentId }, 'payment intent canceled');
          return { status: 200, body: intentView(after) };
        });
        return sendIdempotent(reply, response);
      },
    );
  };
}
