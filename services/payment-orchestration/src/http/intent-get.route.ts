// GET /v1/payment-intents/{id}: where a payment intent stands. A client sees only its own intents
// (another client's is 404, exactly like one that does not exist).
import { ApiError, intentIdParamsSchema, intentResponseSchema } from '@gateway/contracts';
import { errorResponses, requireClientKind, signatureHeadersSchema } from '@gateway/kit';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { intentView } from '../domain/intent-record.ts';
import { getIntent } from '../flows/get-intent.flow.ts';
import type { RouteDeps } from './route-deps.ts';

export function intentGetRoute(deps: RouteDeps): FastifyPluginAsyncZod {
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugins are async functions
  return async (app) => {
    app.get(
      '/v1/payment-intents/:id',
      {
        schema: {
          tags: ['payment intents'],
          summary: 'Get a payment intent',
          description: 'status, amount, channelId, and when known nextAction (the OTP request), lastError, paymentId and receiptNo.',
          headers: signatureHeadersSchema,
          params: intentIdParamsSchema,
          response: { 200: intentResponseSchema, ...errorResponses(401, 403, 404, 429) },
        },
      },
      async (request) => {
        const client = requireClientKind(request, ['portal']);
        const intent = await getIntent(deps.pool, client.clientId, request.params.id);
        if (intent === null) throw new ApiError('not_found', `Payment intent ${request.params.id} was not found.`);
        return intentView(intent);
      },
    );
  };
}
