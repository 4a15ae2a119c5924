// GET /debits/{debitId}: status inquiry by the channel's own id.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ApiContext } from './api-context.ts';
import { debitView } from './debit-view.ts';
import { debitIdParamsSchema, notFoundBody } from './edge-schemas.ts';

export function getDebitRoute(context: ApiContext): FastifyPluginAsyncZod {
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugins are async functions
  return async (app) => {
    app.get('/debits/:debitId', { schema: { summary: 'Debit status by debitId', params: debitIdParamsSchema } }, async (request, reply) => {
      const debit = context.state.findDebit(request.params.debitId);
      return debit === undefined ? reply.code(404).send(notFoundBody) : reply.code(200).send(debitView(debit));
    });
  };
}
