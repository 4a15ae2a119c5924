// POST /v1/reconciliation-exceptions/{id}/resolve: an operator closes an exception with what was done
// about it: accept or write_off record the decision; record_payment records the file's debit as its
// intent's payment, refund gives it back at the channel (reconciliation-actions.flow.ts). The same
// action again answers the resolution already made; another action on a resolved exception, or any on
// one a corrected file superseded, is 409 invalid_state (details.reason). An action that cannot be
// taken is 409 with why (details.reason) and leaves the exception open.
import { ApiError, idSchema, storableText } from '@gateway/contracts';
import { errorResponses, operatorActor, requireOperator, signatureHeadersSchema } from '@gateway/kit';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { resolveException } from '../flows/reconciliation.flow.ts';
import { reconciliationExceptionSchema } from './reconciliation.route.ts';
import type { RouteDeps } from './route-deps.ts';

const bodySchema = z.strictObject({
  action: z.enum(['accept', 'record_payment', 'refund', 'write_off']),
  note: storableText().trim().min(1, 'say why').max(1000),
});

export function reconciliationResolveRoute(deps: RouteDeps): FastifyPluginAsyncZod {
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugins are async functions
  return async (app) => {
    app.post(
      '/v1/reconciliation-exceptions/:id/resolve',
      {
        schema: {
          tags: ['operators'],
          summary: 'Resolve a reconciliation exception',
          headers: signatureHeadersSchema,
          params: z.object({ id: idSchema }),
          body: bodySchema,
          response: { 200: reconciliationExceptionSchema, ...errorResponses(400, 401, 403, 404, 409) },
        },
      },
      async (request) => {
        const operator = requireOperator(request);
        const outcome = await resolveException(
          deps.pool,
          {
            exceptionId: request.params.id,
            action: request.body.action,
            note: request.body.note,
            actor: operatorActor(operator),
            requestId: request.id,
            now: deps.now?.() ?? new Date(),
          },
          { catalogues: deps.config.catalogues, topics: deps.topics },
        );
        if (outcome.kind === 'not_found') throw new ApiError('not_found', `Reconciliation exception ${request.params.id} was not found.`);
        if (outcome.kind === 'refused') {
          throw new ApiError(outcome.code, outcome.message, { ...outcome.details, reason: outcome.reason, status: outcome.exception.status, resolution: outcome.exception.resolution });
        }
        if (!outcome.repeated) request.log.info({ exceptionId: outcome.exception.exceptionId, action: request.body.action }, 'reconciliation exception resolved');
        return outcome.exception;
      },
    );
  };
}
