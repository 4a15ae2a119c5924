// POST /debits/{debitId}/confirm: the customer's OTP. The right one moves the money (or the channel
// declines); a repeat after success replays the success, because the first reply may have been lost.
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ApiContext } from './api-context.ts';
import { answerCommitted } from './answer.ts';
import { debitHttpStatus, debitView } from './debit-view.ts';
import { debitIdParamsSchema, notFoundBody } from './edge-schemas.ts';

const confirmBodySchema = z.object({ otp: z.string().min(1).max(16) });

export function confirmDebitRoute(context: ApiContext): FastifyPluginAsyncZod {
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugins are async functions
  return async (app) => {
    app.post(
      '/debits/:debitId/confirm',
      { schema: { summary: 'Confirm a wallet debit with the OTP', params: debitIdParamsSchema, body: confirmBodySchema } },
      async (request, reply) => {
        const outcome = context.state.confirmDebit(request.params.debitId, request.body.otp);
        switch (outcome.kind) {
          case 'not_found':
            return reply.code(404).send(notFoundBody);
          case 'otp_not_required':
            return reply.code(409).send({ ...debitView(outcome.debit), error: 'otp_not_required' });
          case 'invalid_otp':
            return answerCommitted(context, request, reply, 422, {
              ...debitView(outcome.debit),
              code: 'invalid_otp',
              attemptsLeft: outcome.debit.otpAttemptsLeft,
            });
          case 'settled':
            return answerCommitted(context, request, reply, debitHttpStatus(outcome.debit, 200), debitView(outcome.debit));
        }
      },
    );
  };
}
