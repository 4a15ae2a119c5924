// GET /debits?reference=: status inquiry by OUR reference, the one the adapter has after a timeout.
// 404 `not_found` means the channel never received that reference, so no money moved.
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ApiContext } from './api-context.ts';
import { debitView } from './debit-view.ts';
import { notFoundBody } from './edge-schemas.ts';

const querySchema = z.object({ reference: z.string().min(1).max(255) });

export function findDebitRoute(context: ApiContext): FastifyPluginAsyncZod {
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugins are async functions
  return async (app) => {
    app.get('/debits', { schema: { summary: 'Debit status by reference', querystring: querySchema } }, async (request, reply) => {
      const debit = context.state.findByReference(request.query.reference);
      return debit === undefined ? reply.code(404).send(notFoundBody) : reply.code(200).send(debitView(debit));
    });
  };
}
