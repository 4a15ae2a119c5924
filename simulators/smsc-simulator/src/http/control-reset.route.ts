// POST /control/reset: no faults and the configured receipt delay (the state of a fresh start).
// Received messages stay.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { SmscState } from '../store/smsc-state.ts';

export function controlResetRoute(state: SmscState): FastifyPluginAsyncZod {
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugins are async functions
  return async (app) => {
    app.post('/control/reset', { schema: { summary: 'Restore default fault settings' } }, (request, reply) => {
      const settings = state.resetControl();
      request.log.info({ settings }, 'fault settings reset');
      return reply.send(settings);
    });
  };
}
