// POST /control: changes any of the fault settings (the others stay as they were); dropConnection
// closes every bound session once and is not remembered. Answers the settings now in force.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { controlUpdateSchema } from '../domain/faults.ts';
import type { SmscServer } from '../smpp/smsc-server.ts';
import type { SmscState } from '../store/smsc-state.ts';

export function controlUpdateRoute(state: SmscState, smsc: SmscServer): FastifyPluginAsyncZod {
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugins are async functions
  return async (app) => {
    app.post('/control', { schema: { summary: 'Change fault settings', body: controlUpdateSchema } }, (request, reply) => {
      const { dropConnection, ...update } = request.body;
      const settings = state.updateControl(update);
      const droppedSessions = dropConnection === true ? smsc.dropSessions() : undefined;
      request.log.info({ settings, droppedSessions }, 'fault settings changed');
      return reply.send(droppedSessions === undefined ? settings : { ...settings, droppedSessions });
    });
  };
}
