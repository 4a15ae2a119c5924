// GET /stats: the counters a test holds an ESME to (did it ever go over the licence cap, how many of
// its resubmits were answered as duplicates, how many receipts went out).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { SmscState } from '../store/smsc-state.ts';

export function statsReadRoute(state: SmscState): FastifyPluginAsyncZod {
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugins are async functions
  return async (app) => {
    app.get('/stats', { schema: { summary: 'Submit, throttle, duplicate and receipt counters' } }, (_request, reply) => reply.send(state.stats()));
  };
}
