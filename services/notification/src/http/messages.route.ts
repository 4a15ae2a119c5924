// GET /v1/messages?to=…: every SMS to one subscriber, newest first, with each part's SMSC id and
// state: what an operator needs for "I paid but got no receipt" (was it sent, delivered, refused,
// held for quiet hours, suppressed by an opt-out?). Operators only: texts carry amounts and account
// numbers.
import { smsMessagesSchema, storableText } from '@gateway/contracts';
import { errorResponses, requireOperator, signatureHeadersSchema } from '@gateway/kit';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { listMessages } from '../flows/list-messages.flow.ts';
import { msisdnFromQuery } from './msisdn-query.ts';
import type { RouteDeps } from './route-deps.ts';

const querySchema = z.strictObject({
  to: storableText().max(64).describe('The subscriber: +963…, 00963… or 09…'),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

export function messagesRoute(deps: RouteDeps): FastifyPluginAsyncZod {
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugins are async functions
  return async (app) => {
    app.get(
      '/v1/messages',
      {
        schema: {
          tags: ['messages'],
          summary: 'The SMS sent (or held, or suppressed) to one subscriber, newest first',
          headers: signatureHeadersSchema,
          querystring: querySchema,
          response: { 200: smsMessagesSchema, ...errorResponses(400, 401, 403) },
        },
      },
      async (request) => {
        requireOperator(request);
        const to = msisdnFromQuery(request.query.to, 'to');
        return { to, messages: await listMessages({ db: deps.pool }, { to, limit: request.query.limit }) };
      },
    );
  };
}
