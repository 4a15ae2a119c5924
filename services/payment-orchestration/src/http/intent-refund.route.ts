// POST /v1/payment-intents/{id}/refund (operators): give back a debit that bought nothing, through the
// same bank-adapter command as the automatic refund (flows/refund-intent.flow.ts says which intents
// qualify). 202 with the intent and its `refund` (`requested`; the channel's answer arrives later); an
// intent that already has a refund answers 200 with it, under any key. Anything else is 409
// invalid_state with details.status and details.reason (the reconciliation reason, or null).
import { ApiError, idempotencyHeadersSchema, intentIdParamsSchema, intentRefundBodySchema, intentResponseSchema } from '@gateway/contracts';
import { appendAudit, errorResponses, hashRequest, idempotent, operatorActor, requireOperator, sendIdempotent, signatureHeadersSchema } from '@gateway/kit';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { debitAmount, intentView } from '../domain/intent-record.ts';
import { refundIntent } from '../flows/refund-intent.flow.ts';
import type { RouteDeps } from './route-deps.ts';

export const INTENT_REFUND_ACTION = 'intent.refund';

export function intentRefundRoute(deps: RouteDeps): FastifyPluginAsyncZod {
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugins are async functions
  return async (app) => {
    app.post(
      '/v1/payment-intents/:id/refund',
      {
        schema: {
          tags: ['operators'],
          summary: 'Give back a debit that bought nothing (its payment was refused)',
          description:
            'Operators only. Allowed for an intent flagged payment_refused with no refund yet: the bank adapter reverses the debit at the channel. ' +
            'An intent that already has a refund answers 200 with it. Otherwise 409 invalid_state with details.status and details.reason. Requires Idempotency-Key.',
          headers: signatureHeadersSchema.extend(idempotencyHeadersSchema.shape),
          params: intentIdParamsSchema,
          body: intentRefundBodySchema,
          response: { 200: intentResponseSchema, 202: intentResponseSchema, ...errorResponses(400, 401, 403, 404, 409, 422, 429) },
        },
      },
      async (request, reply) => {
        const operator = requireOperator(request);
        const { id } = request.params;
        const requestHash = request.requestHash ?? hashRequest(request.method, request.url, JSON.stringify(request.body));
        const now = deps.now?.() ?? new Date();
        const response = await idempotent({ pool: deps.pool, clientId: operator.clientId, key: request.headers['idempotency-key'], requestHash }, async (tx) => {
          const outcome = await refundIntent(tx, { intentId: id, reason: request.body.reason }, { topics: deps.topics, now });
          if (outcome.kind === 'not_found') throw new ApiError('not_found', `Payment intent ${id} was not found.`);
          if (outcome.kind === 'refused') {
            return {
              status: 409,
              body: { error: { code: 'invalid_state', message: outcome.message, requestId: request.id, details: { status: outcome.status, reason: outcome.reason } } },
            };
          }
          if (outcome.kind === 'existing') return { status: 200, body: intentView(outcome.intent) };
          const after = outcome.intent;
          // The person the console signed in, with why and what is given back.
          await appendAudit(tx, {
            actor: operatorActor(operator),
            action: INTENT_REFUND_ACTION,
            target: after.intentId,
            detail: { reason: request.body.reason, channelTxnId: after.channelTxnId, amount: debitAmount(after) },
            requestId: request.id,
          });
          request.log.info({ intentId: after.intentId }, 'operator refund requested');
          return { status: 202, body: intentView(after) };
        });
        return sendIdempotent(reply, response);
      },
    );
  };
}
