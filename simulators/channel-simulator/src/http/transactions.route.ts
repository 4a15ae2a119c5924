// GET /transactions: what the channel REALLY debited, the truth a test holds the gateway to (no
// customer debited twice). Reversed debits stay listed, with status `reversed`.
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ChannelState } from '../store/channel-state.ts';

const querySchema = z.object({ reference: z.string().min(1).max(255).optional() });

export function transactionsRoute(state: ChannelState): FastifyPluginAsyncZod {
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugins are async functions
  return async (app) => {
    app.get('/transactions', { schema: { summary: 'Debits that moved money', querystring: querySchema } }, (request, reply) =>
      reply.send({ transactions: state.transactions(request.query.reference) }),
    );
  };
}
