// GET /control: the fault settings now in force.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { SmscState } from '../store/smsc-state.ts';

export function controlReadRoute(state: SmscState): FastifyPluginAsyncZod {
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugins are async functions
  return async (app) => {
    app.get('/control', { schema: { summary: 'Current fault settings' } }, (_request, reply) => reply.send(state.control()));
  };
}
