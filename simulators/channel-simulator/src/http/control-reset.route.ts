// POST /control/reset: no faults, no latency (the state of a fresh start). Balances and debits stay.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ChannelState } from '../store/channel-state.ts';

export function controlResetRoute(state: ChannelState): FastifyPluginAsyncZod {
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugins are async functions
  return async (app) => {
    app.post('/control/reset', { schema: { summary: 'Restore default fault settings' } }, (request, reply) => {
      const settings = state.resetControl();
      request.log.info({ settings }, 'fault settings reset');
      return reply.send(settings);
    });
  };
}
