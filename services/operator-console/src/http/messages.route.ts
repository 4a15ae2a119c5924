// GET /api/messages?to=: every SMS to one subscriber (notification's GET /v1/messages), any role:
// state, text, parts with their receipts, and why one waited.
import { smsMessagesSchema } from '@gateway/contracts';
import { errorResponses } from '@gateway/kit';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { listMessages, notificationOf } from '../flows/messages.flow.ts';
import { messagesQuerySchema } from './messages-schemas.ts';
import type { RouteDeps } from './route-deps.ts';
import { requireSignedIn } from './session-guard.ts';

export function messagesRoute(deps: RouteDeps): FastifyPluginAsyncZod {
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugins are async functions
  return async (app) => {
    app.get(
      '/api/messages',
      {
        schema: {
          tags: ['messages'],
          summary: "A subscriber's SMS, newest first",
          querystring: messagesQuerySchema,
          response: { 200: smsMessagesSchema, ...errorResponses(400, 401, 503) },
        },
      },
      async (request) => listMessages(notificationOf(deps.outboxServices), requireSignedIn(request).operator, request.query),
    );
  };
}
