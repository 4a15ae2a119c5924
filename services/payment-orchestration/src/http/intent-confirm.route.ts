// POST /v1/payment-intents/{id}/confirm: the payer's OTP, when the intent is requires_confirmation
// (flows/confirm-intent.flow.ts). The OTP is never logged (the kit's logger redacts `otp`) and never
// stored: not in the intent, not in the outbox (it is forwarded straight to Kafka, see
// events/otp-forwarder.producer.ts), and not in the idempotency record — the request fingerprint is
// taken over the body without it, so a retry under the same key is the same attempt and gets the
// first answer; a new attempt (after a wrong OTP) takes a new key.
//
// An intent in another state is refused with 409 invalid_state (details.status says which); one for a fee
// order that has expired since, with 422 order_expired (the OTP is not forwarded: nothing is debited).
import { ApiError, confirmIntentBodySchema, idempotencyHeadersSchema, intentIdParamsSchema, intentResponseSchema } from '@gateway/contracts';
import { errorResponses, hashRequest, idempotent, requireClientKind, sendIdempotent, signatureHeadersSchema } from '@gateway/kit';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { intentView } from '../domain/intent-record.ts';
import { confirmIntent } from '../flows/confirm-intent.flow.ts';
import type { RouteDeps } from './route-deps.ts';

export function intentConfirmRoute(deps: RouteDeps): FastifyPluginAsyncZod {
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugins are async functions
  return async (app) => {
    app.post(
      '/v1/payment-intents/:id/confirm',
      {
        schema: {
          tags: ['payment intents'],
          summary: 'Confirm a payment intent with the OTP the payer received',
          description:
            'Only when status is requires_confirmation; otherwise 409 invalid_state with details.status; 422 order_expired when the ' +
            'intent pays a fee order past its expiresAt (the OTP is not forwarded). Requires Idempotency-Key: ' +
            'use a new key for each OTP attempt (a retry under the same key replays the first answer, whatever OTP it carries).',
          headers: signatureHeadersSchema.extend(idempotencyHeadersSchema.shape),
          params: intentIdParamsSchema,
          body: confirmIntentBodySchema,
          response: { 200: intentResponseSchema, ...errorResponses(400, 401, 403, 404, 409, 422, 429) },
        },
      },
      async (request, reply) => {
        const client = requireClientKind(request, ['portal']);
        const { id } = request.params;
        const { otp } = request.body;
        // The fingerprint leaves the OTP out: a hash of a 6-digit code is as good as the code.
        const requestHash = hashRequest(request.method, request.url, JSON.stringify({ intentId: id, confirm: true }));
        const now = deps.now?.() ?? new Date();

        const response = await idempotent({ pool: deps.pool, clientId: client.clientId, key: request.headers['idempotency-key'], requestHash }, async (tx) => {
          const outcome = await confirmIntent(
            tx,
            { clientId: client.clientId, intentId: id, otp },
            { forwardOtp: (event) => deps.otpForwarder.forward(event), topics: deps.topics, now },
          );
          if (outcome.kind === 'not_found') throw new ApiError('not_found', `Payment intent ${id} was not found.`);
          if (outcome.kind === 'order_expired') {
            return { status: 422, body: { error: { code: 'order_expired', message: outcome.message, requestId: request.id } } };
          }
          if (outcome.kind === 'refused') {
            return { status: 409, body: { error: { code: 'invalid_state', message: outcome.message, requestId: request.id, details: { status: outcome.status } } } };
          }
          const after = outcome.intent;
          request.log.info({ intentId: after.intentId }, 'OTP forwarded to the channel');
          return { status: 200, body: intentView(after) };
        });
        return sendIdempotent(reply, response);
      },
    );
  };
}
