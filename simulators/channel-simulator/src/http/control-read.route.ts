// GET /control: the fault settings now in force.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ChannelState } from '../store/channel-state.ts';

export function controlReadRoute(state: ChannelState): FastifyPluginAsyncZod {
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugins are async functions
  return async (app) => {
    app.get('/control', { schema: { summary: 'Current fault settings' } }, (_request, reply) => reply.send(state.control()));
  };
}
