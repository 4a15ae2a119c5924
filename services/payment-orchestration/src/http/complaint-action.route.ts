// POST /v1/complaints/{id}/{assign|resolve|escalate|reject}: an operator works a complaint
// (flows/work-complaint.flow.ts). Audited with the person (kit's operatorActor). No Idempotency-Key:
// the same action again answers the complaint unchanged; a closed complaint is 409 invalid_state with
// details.status; resolve and reject without a note are 400.
import { ApiError, complaintActionBodySchema, complaintActionParamsSchema, queuedComplaintSchema } from '@gateway/contracts';
import { errorResponses, operatorActor, requireOperator, signatureHeadersSchema, withTransaction } from '@gateway/kit';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { queuedComplaintView } from '../domain/complaint.ts';
import { workComplaint } from '../flows/work-complaint.flow.ts';
import type { RouteDeps } from './route-deps.ts';

export function complaintActionRoute(deps: RouteDeps): FastifyPluginAsyncZod {
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugins are async functions
  return async (app) => {
    app.post(
      '/v1/complaints/:id/:action',
      {
        schema: {
          tags: ['complaints'],
          summary: 'Assign, resolve, escalate or reject a complaint',
          description: '{ note? }: required to resolve or reject (the resolution the customer is told). Repeating the same action answers the complaint unchanged.',
          headers: signatureHeadersSchema,
          params: complaintActionParamsSchema,
          body: complaintActionBodySchema.nullable(),
          response: { 200: queuedComplaintSchema, ...errorResponses(400, 401, 403, 404, 409, 429) },
        },
      },
      async (request, reply) => {
        const actor = operatorActor(requireOperator(request));
        const { id, action } = request.params;
        const outcome = await withTransaction(deps.pool, (tx) =>
          workComplaint(
            tx,
            { complaintId: id, action },
            { now: deps.now?.() ?? new Date(), actor, note: request.body?.note ?? null, requestId: request.id, correlationId: request.correlationId, topic: deps.topics?.complaints },
          ),
        );
        if (outcome.kind === 'not_found') throw new ApiError('not_found', `Complaint ${id} was not found.`);
        if (outcome.kind === 'note_required') {
          throw new ApiError('invalid_request', `Invalid request: body.note: required to ${action}`, { fields: [{ field: 'body.note', problem: `required to ${action}` }] });
        }
        if (outcome.kind === 'refused') {
          return reply.status(409).send({ error: { code: 'invalid_state', message: `The complaint is ${outcome.status}.`, requestId: request.id, details: { status: outcome.status } } });
        }
        if (!outcome.repeated) request.log.info({ complaintId: id, action, actor }, 'complaint worked');
        return queuedComplaintView(outcome.complaint);
      },
    );
  };
}
