// GET /parts?after=&limit=: every part the SMSC stored, in arrival order, a page at a time, with the
// ESME's reference of each. A reader that keeps its place (the fault suite's invariant checker, which
// holds the gateway to "each SMS part sent once") fetches only what arrived since its last call,
// instead of every message with its text each time.
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { SmscState } from '../store/smsc-state.ts';

const querySchema = z.object({
  after: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(10_000).default(1_000),
});

export function partsRoute(state: SmscState): FastifyPluginAsyncZod {
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugins are async functions
  return async (app) => {
    app.get('/parts', { schema: { summary: 'Parts received, in arrival order, paged', querystring: querySchema } }, (request, reply) =>
      reply.send(state.parts(request.query.after, request.query.limit)),
    );
  };
}
