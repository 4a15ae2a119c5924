// POST /v1/payment-intents/{id}/confirm: the payer's OTP, when the intent is requires_confirmation.
// The intent goes to `processing` and channel.otp-submitted goes to the adapter. The OTP is never
// logged (the kit's logger redacts `otp`) and never stored: not in the intent, not in the outbox (it is
// forwarded straight to Kafka, see intent-otp-forwarder.ts), and not in the idempotency record — the
// request fingerprint is taken over the body without it, so a retry under the same key is the same
// attempt and gets the first answer; a new attempt (after a wrong OTP) takes a new key.
//
// An intent in another state is refused with 400 invalid_request (details.status says which): API.md's
// catalogue has no generic conflict code, and its 409 codes all mean something else to an integrator.
import { ApiError, confirmIntentBodySchema, createEvent, idempotencyHeadersSchema, intentIdParamsSchema, intentResponseSchema } from '@gateway/contracts';
import { errorResponses, hashRequest, idempotent, requireClientKind, sendIdempotent, signatureHeadersSchema } from '@gateway/kit';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { intentView } from '../domain/intent-record.ts';
import { decideIntent } from '../domain/intent-state.ts';
import { applyIntentChange, findClientIntent } from '../store/pg-intent-store.ts';
import { serviceName } from '../service-name.ts';
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
            'Only when status is requires_confirmation; otherwise 400 invalid_request with details.status. Requires Idempotency-Key: ' +
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
          const intent = await findClientIntent(tx, client.clientId, id, { lock: true });
          if (intent === null) throw new ApiError('not_found', `Payment intent ${id} was not found.`);
          const decision = decideIntent(intent, { type: 'confirm', at: now.toISOString() });
          if (decision.kind !== 'change') {
            const message = decision.kind === 'refused' ? decision.message : `The intent is ${intent.status}.`;
            return { status: 400, body: { error: { code: 'invalid_request', message, requestId: request.id, details: { status: intent.status } } } };
          }
          const after = await applyIntentChange(tx, intent, decision, { now, correlationId: intent.correlationId, causationId: null, topics: deps.topics });
          // Last, just before commit: if the send fails, everything above rolls back.
          await deps.otpForwarder.forward(
            createEvent('channel.otp-submitted', {
              producer: serviceName,
              key: intent.intentId,
              correlationId: intent.correlationId,
              causationId: null,
              occurredAt: now,
              payload: { intentId: intent.intentId, channelId: intent.channelId, reference: intent.reference, otp, channelRef: intent.channelRef, submittedAt: now.toISOString() },
            }),
          );
          request.log.info({ intentId: intent.intentId }, 'OTP forwarded to the channel');
          return { status: 200, body: intentView(after) };
        });
        return sendIdempotent(reply, response);
      },
    );
  };
}
