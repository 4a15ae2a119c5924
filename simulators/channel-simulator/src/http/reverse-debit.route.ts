// POST /debits/{debitId}/reversal: gives the money back once; a repeat answers `reversed` again.
// Faults: `reversalRefusalRate` refuses it (422, nothing credited); `dropReplyRate` credits, then never
// answers, as for a debit, so the caller's outcome is unknown until it asks (GET /debits/{id}).
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { rolls } from '../domain/faults.ts';
import type { ApiContext } from './api-context.ts';
import { answerCommitted } from './answer.ts';
import { debitView } from './debit-view.ts';
import { debitIdParamsSchema, notFoundBody } from './edge-schemas.ts';

const reversalBodySchema = z.object({ reason: z.string().min(1).max(500) });

export function reverseDebitRoute(context: ApiContext): FastifyPluginAsyncZod {
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugins are async functions
  return async (app) => {
    app.post(
      '/debits/:debitId/reversal',
      { schema: { summary: 'Reverse a succeeded debit', params: debitIdParamsSchema, body: reversalBodySchema } },
      async (request, reply) => {
        if (rolls(context.state.control().reversalRefusalRate, context.state.random)) {
          return reply.code(422).send({ error: 'reversal_refused', code: 'reversal_refused' });
        }
        const outcome = context.state.reverseDebit(request.params.debitId, request.body.reason);
        switch (outcome.kind) {
          case 'not_found':
            return reply.code(404).send(notFoundBody);
          case 'not_reversible':
            return reply.code(409).send({ ...debitView(outcome.debit), error: 'not_reversible' });
          case 'reversed':
            return answerCommitted(context, request, reply, 200, { debitId: outcome.debit.debitId, reference: outcome.debit.reference, status: 'reversed', reversedAt: outcome.debit.reversedAt });
        }
      },
    );
  };
}
