// GET /messages?to=: what the SMSC received (accepted submit_sm only; refused ones were never stored),
// concatenated parts grouped into one message with the reassembled text. The truth a demo or a test
// holds the notification service to.
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { SmscState } from '../store/smsc-state.ts';

const querySchema = z.object({ to: z.string().min(1).max(32).optional() });

export function messagesRoute(state: SmscState): FastifyPluginAsyncZod {
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugins are async functions
  return async (app) => {
    app.get('/messages', { schema: { summary: 'Messages received, oldest first', querystring: querySchema } }, (request, reply) =>
      reply.send({ messages: state.messages(request.query.to) }),
    );
  };
}
