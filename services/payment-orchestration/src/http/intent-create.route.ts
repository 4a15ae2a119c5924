// POST /v1/payment-intents: the citizen portal asks the gateway to pull the money for some bills from
// a wallet or a bank account (flows/create-intent.flow.ts), in ONE transaction with the
// Idempotency-Key record.
//
// A channel whose breaker is open (or forced off) fails fast with 503 channel_unavailable: no intent,
// no command, no money moved. That answer is thrown, not stored under the key, so the portal can
// retry the same request later and have it run. Every other refusal is an answer, stored and replayed.
import { ApiError, createIntentBodySchema, errorBody, httpStatusOf, idempotencyHeadersSchema, intentResponseSchema } from '@gateway/contracts';
import { errorResponses, hashRequest, idempotent, requireClientKind, sendIdempotent, signatureHeadersSchema } from '@gateway/kit';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { intentView } from '../domain/intent-record.ts';
import { createIntent } from '../flows/create-intent.flow.ts';
import type { RouteDeps } from './route-deps.ts';

export function intentCreateRoute(deps: RouteDeps): FastifyPluginAsyncZod {
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugins are async functions
  return async (app) => {
    app.post(
      '/v1/payment-intents',
      {
        schema: {
          tags: ['payment intents'],
          summary: 'Create a payment intent: pull the money for bills from a wallet or bank account',
          description:
            'Portal clients only. Requires Idempotency-Key (docs/api.md rules). The amount goes to the named bills, or to the oldest ' +
            'open bills first; the fee is fixed now and the payer is debited amount + fee. The answer is usually `processing`; ' +
            'poll GET /v1/payment-intents/{id} for `requires_confirmation` (then confirm the OTP), `succeeded` or `failed`. ' +
            '409 bill_payment_in_progress when another intent that has not ended already covers one of the bills (details.billId, and ' +
            'details.intentId when it is your own: resume that one instead). ' +
            '503 channel_unavailable when the channel is down: nothing was created and no money moved; retry later.',
          headers: signatureHeadersSchema.extend(idempotencyHeadersSchema.shape),
          body: createIntentBodySchema,
          response: { 201: intentResponseSchema, ...errorResponses(400, 401, 403, 404, 409, 422, 429, 503) },
        },
      },
      async (request, reply) => {
        const client = requireClientKind(request, ['portal']);
        const body = request.body;
        const requestHash = request.requestHash ?? hashRequest(request.method, request.url, JSON.stringify(body));
        const now = deps.now?.() ?? new Date();

        const response = await idempotent({ pool: deps.pool, clientId: client.clientId, key: request.headers['idempotency-key'], requestHash }, async (tx) => {
          const outcome = await createIntent(
            tx,
            { clientId: client.clientId, body, correlationId: request.correlationId },
            { catalogues: deps.config.catalogues, channelHealthStaleAfterMs: deps.config.CHANNEL_HEALTH_STALE_AFTER, intentTtlMs: deps.intentTtlMs, topics: deps.topics, now },
          );
          if (outcome.kind === 'channel_unavailable') throw new ApiError('channel_unavailable', outcome.message);
          if (outcome.kind === 'refused') {
            if (outcome.holder !== undefined) {
              request.log.info({ blockingIntentId: outcome.holder.intentId, billId: outcome.holder.billId }, 'payment intent refused: bill held by an open intent');
            }
            const error = errorBody(outcome.code, request.id, outcome.message);
            return { status: httpStatusOf(outcome.code), body: outcome.details === undefined ? error : { error: { ...error.error, details: outcome.details } } };
          }
          const intent = outcome.intent;
          request.log.info({ intentId: intent.intentId, channelId: intent.channelId, billerId: intent.billerId }, 'payment intent created');
          return { status: 201, body: intentView(intent) };
        });
        return sendIdempotent(reply, response);
      },
    );
  };
}
