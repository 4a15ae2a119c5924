// POST /stats/reset: counters back to zero, so a test or a demo measures only what comes next.
// Messages, their deduplication references and the fault settings stay.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { SmscState } from '../store/smsc-state.ts';

export function statsResetRoute(state: SmscState): FastifyPluginAsyncZod {
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugins are async functions
  return async (app) => {
    app.post('/stats/reset', { schema: { summary: 'Reset the counters' } }, (_request, reply) => reply.send(state.resetStats()));
  };
}
