// POST /debits: a bank debits at once (201, 402 or 422); a wallet answers 202 and "sends" the customer
// an OTP. A channel that dedupes by reference answers a repeat with the original debit's state (200);
// one that does not creates a new debit, which is why the adapter must never repeat to it.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ApiContext } from './api-context.ts';
import { answerCommitted, holdReply } from './answer.ts';
import { debitHttpStatus, debitView } from './debit-view.ts';
import { debitRequestSchema } from './edge-schemas.ts';

export function createDebitRoute(context: ApiContext): FastifyPluginAsyncZod {
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugins are async functions
  return async (app) => {
    app.post('/debits', { schema: { summary: 'Debit a customer', body: debitRequestSchema } }, async (request, reply) => {
      const outcome = context.state.submitDebit(request.body);
      switch (outcome.kind) {
        case 'created':
          return answerCommitted(context, request, reply, debitHttpStatus(outcome.debit, 201), debitView(outcome.debit));
        case 'duplicate':
          return answerCommitted(context, request, reply, 200, debitView(outcome.debit));
        case 'reference_conflict':
          return reply.code(409).send({ ...debitView(outcome.debit), error: 'reference_conflict' });
        case 'queued':
          request.log.info({ queueDebitsMs: context.state.control().queueDebitsMs }, 'simulated fault: debit queued, reply held');
          return holdReply(context, request, reply);
      }
    });
  };
}
