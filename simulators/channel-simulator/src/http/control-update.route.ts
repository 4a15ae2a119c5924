// POST /control: changes any of the fault settings; the others stay as they were. Not behind the API
// key and not subject to the faults, so a test can always end the outage it started.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { controlUpdateSchema } from '../domain/faults.ts';
import type { ChannelState } from '../store/channel-state.ts';

export function controlUpdateRoute(state: ChannelState): FastifyPluginAsyncZod {
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugins are async functions
  return async (app) => {
    app.post('/control', { schema: { summary: 'Change fault settings', body: controlUpdateSchema } }, (request, reply) => {
      const settings = state.updateControl(request.body);
      request.log.info({ settings }, 'fault settings changed');
      return reply.send(settings);
    });
  };
}
